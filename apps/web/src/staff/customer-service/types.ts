/** What the customer-service API answers (routes/customer-service.ts). */
export interface Slot {
  readonly id: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly mode: 'office' | 'phone' | 'video';
  readonly location: string | null;
  readonly coachName: string;
}

export interface Booking extends Slot {
  readonly status: string;
}

export interface MissingItem {
  readonly source: 'completion-request' | 'sample-check';
  readonly requestedOn: string;
  readonly dueDate: string;
  readonly overdue: boolean;
  readonly items: readonly string[];
}

export interface PersonApplication {
  readonly id: string;
  readonly kind: 'new' | 'renewal' | 'supplementary';
  readonly month: string;
  readonly status: string;
  readonly statusText: string;
  readonly submittedOn: string | null;
  readonly decidedOn: string | null;
  readonly missingItems: readonly MissingItem[];
  readonly payment: { readonly payOn: string; readonly status: string; readonly statusText: string } | null;
  readonly meeting: Booking | null;
  readonly canBookMeeting: boolean;
}

export interface Person {
  readonly applications: readonly PersonApplication[];
  readonly nextPayday: { readonly date: string; readonly basis: 'payment' | 'municipality' };
}

export interface Offer {
  readonly date: string;
  readonly slots: readonly Slot[];
  readonly filledFromLaterDays: boolean;
  readonly booking: Booking | null;
}
