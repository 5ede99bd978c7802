/** The texts of the staff workspace's Labour market section (namespace staff-coach). */
import { registerStaffTexts } from '../texts';
import en from './locales/en.json';
import sv from './locales/sv.json';

export const NS = 'staff-coach';
registerStaffTexts(NS, { sv, en });
