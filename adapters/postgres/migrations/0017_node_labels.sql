-- costledger schema, version 17: the labels of nodes.
-- OpenCost's /assets gives each node asset its node's labels (its integration tests compare
-- them with kube_node_labels). Like pod_labels: the labels last collected per cluster and node,
-- written when new or changed, in the same transaction as the interval that saw them.
CREATE TABLE node_labels (
  cluster text COLLATE "C" NOT NULL,
  node text COLLATE "C" NOT NULL,
  labels jsonb NOT NULL,
  PRIMARY KEY (cluster, node)
);
