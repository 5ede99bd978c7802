/** The staff workspace's pages, one chunk: the texts are registered before any page renders. */
import './texts';
export { default as Queues } from './Queues';
export { default as Case } from './Case';
export { default as Coach } from './coach/index';
export { default as CustomerService } from './customer-service/index';
export { default as Audit } from './audit/index';
export { default as Admin } from './admin/index';
