/** The texts of the staff workspace's Audit section (namespace staff-audit). */
import { registerStaffTexts } from '../texts';
import en from './locales/en.json';
import sv from './locales/sv.json';

export const NS = 'staff-audit';
registerStaffTexts(NS, { sv, en });
