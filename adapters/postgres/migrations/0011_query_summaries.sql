-- costledger schema, version 11: Athena queries are summarized where they are stored.
-- Weekly reports need, per team and workgroup, the count and sums of a week's queries and the
-- few most expensive in full (PostgresCostReader::ReadQuerySummaries). This index lets each
-- group's top be found by a bounded top-N sort over the group's rows of the window alone, read
-- from the index (cost, id and cluster are included), instead of sorting the window's queries or
-- sending them all to the reader.

CREATE INDEX query_costs_group_submitted ON query_costs (team, work_group, submitted)
  INCLUDE (cost_nanos, query_execution_id, cluster);
