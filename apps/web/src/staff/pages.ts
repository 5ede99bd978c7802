/** The staff workspace's pages, one chunk: the texts are registered before any page renders. */
import './texts';
export { default as Queues } from './Queues';
export { default as Case } from './Case';
