/** Tables of settings changes on record and rule-book amendments (migration 0018-administration). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AdministrationTables {}
