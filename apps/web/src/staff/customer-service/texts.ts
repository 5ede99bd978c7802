/** The texts of the staff workspace's Customer service section (namespace staff-customer-service). */
import { registerStaffTexts } from '../texts';
import en from './locales/en.json';
import sv from './locales/sv.json';

export const NS = 'staff-customer-service';
registerStaffTexts(NS, { sv, en });
