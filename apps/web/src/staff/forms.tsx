/**
 * What the staff workspace's forms share: the form itself (no browser validation, the error
 * summary first, the submit button last), a field tied to its state and its error, and the
 * Idempotency-Key of a write that a retry may repeat.
 */
import { Button, VStack } from '@navikt/ds-react';
import type { ReactNode } from 'react';
import { useRef } from 'react';
import { idempotencyKey } from '../api';
import { FormErrors } from '../components';
import type { ShownError } from '../components';
import { errorAt } from './case-model';

export function StaffForm({
  onSubmit,
  errors,
  submit,
  variant,
  size,
  busy,
  gap = 'space-16',
  labelledBy,
  header,
  children,
}: {
  onSubmit: () => unknown;
  /** The summary of what to fix, before the fields; none where a field shows its own error only. */
  errors?: readonly ShownError[];
  /** The submit button's text. */
  submit: ReactNode;
  variant?: 'primary' | 'secondary';
  size?: 'small';
  busy?: boolean;
  gap?: 'space-8' | 'space-12' | 'space-16';
  /** The id of the heading that names the form. */
  labelledBy?: string;
  /** What stands before the error summary (the form's heading, its lead). */
  header?: ReactNode;
  children: ReactNode;
}) {
  return (
    <form
      noValidate
      aria-labelledby={labelledBy}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      <VStack gap={gap}>
        {header}
        {errors ? <FormErrors errors={errors} /> : null}
        {children}
        <div>
          <Button type="submit" variant={variant} size={size} loading={busy}>
            {submit}
          </Button>
        </div>
      </VStack>
    </form>
  );
}

/** The props that tie a text field, text area or select to its state and to its error, if any. */
export function field(errors: readonly ShownError[], id: string, value: string, set: (value: string) => void) {
  return {
    id,
    value,
    error: errorAt(errors, id),
    onChange: (e: { target: { value: string } }) => set(e.target.value),
  };
}

/**
 * The Idempotency-Key of one write: the same on a retry (a lost connection), a new one once the
 * write is done — `renew` after the server's answer.
 */
export function useIdempotencyKey() {
  const key = useRef(idempotencyKey());
  return {
    headers: () => ({ 'idempotency-key': key.current }),
    renew: () => {
      key.current = idempotencyKey();
    },
  };
}
