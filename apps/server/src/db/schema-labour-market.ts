/** Tables of meeting notes, plans, measures and exits (migration 0017-labour-market). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LabourMarketTables {}
