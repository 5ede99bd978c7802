/** The texts of the staff workspace's Administration section (namespace staff-admin). */
import { registerStaffTexts } from '../texts';
import en from './locales/en.json';
import sv from './locales/sv.json';

export const NS = 'staff-admin';
registerStaffTexts(NS, { sv, en });
