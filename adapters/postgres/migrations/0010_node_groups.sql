-- costledger schema, version 10: nodes carry their node group (EKS managed node group, Karpenter
-- NodePool, eksctl node group, GKE node pool, AKS agent pool: model::NodeGroupOf), so the
-- scaling engine feed can rank offerings per node group and name them to the Cluster Autoscaler.
-- Rows stored before were collected without one: '' (the default needs no table rewrite). Reads
-- and rollups take a node's max(node_group), so a node whose hour or day spans the upgrade keeps
-- its name.
-- Numbered 10: 0009 is taken by the usage digest.

ALTER TABLE node_costs ADD COLUMN node_group text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE node_costs_hourly ADD COLUMN node_group text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE node_costs_daily ADD COLUMN node_group text COLLATE "C" NOT NULL DEFAULT '';
