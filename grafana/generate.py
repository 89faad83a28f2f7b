#!/usr/bin/python3
"""Writes grafana/dashboards/*.json: costledger's Grafana dashboards, one function per dashboard.

Run after editing this file (`grafana/generate.py [OUT_DIR]`); the test grafana_queries_test checks that
the committed JSON is what this writes. Panels use two datasources, provisioned by
provisioning/datasources/costledger.yaml: Prometheus scraping costledger's /metrics (uid
costledger-prometheus) and PostgreSQL through the read-only role on the dashboards.* views
(uid costledger-postgres; migration 0013_dashboard_views).
"""
import json
import os
import sys

PROM = {"type": "prometheus", "uid": "costledger-prometheus"}
PG = {"type": "grafana-postgresql-datasource", "uid": "costledger-postgres"}


class Board:
    def __init__(self, uid, title, description):
        self.uid, self.title, self.description = uid, title, description
        self.panels, self.variables = [], []
        self.x, self.y, self.row_h = 0, 0, 0

    def _place(self, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        pos = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def panel(self, kind, title, targets, w=12, h=8, unit=None, description="", **options):
        field = {"defaults": {}, "overrides": []}
        if unit:
            field["defaults"]["unit"] = unit
        p = {"id": len(self.panels) + 1, "type": kind, "title": title, "description": description,
             "gridPos": self._place(w, h), "datasource": targets[0]["datasource"],
             "targets": targets, "fieldConfig": field, "options": options}
        self.panels.append(p)

    def variable(self, name, label, datasource, query):
        v = {"name": name, "label": label, "type": "query", "datasource": datasource,
             "query": query, "refresh": 2, "sort": 1, "multi": False, "includeAll": False,
             "current": {}, "options": []}
        if datasource["uid"] == PROM["uid"]:
            v["query"] = {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"}
            v["definition"] = query
        else:
            v["definition"] = query
        self.variables.append(v)

    def json(self):
        return {"uid": self.uid, "title": self.title, "description": self.description,
                "tags": ["costledger"], "timezone": "utc", "schemaVersion": 39, "version": 1,
                "editable": True, "graphTooltip": 1, "refresh": "1m",
                "time": {"from": "now-24h", "to": "now"},
                "templating": {"list": self.variables},
                "links": [{"title": "costledger dashboards", "type": "dashboards",
                           "tags": ["costledger"], "asDropdown": True}],
                "panels": self.panels}


def prom(expr, legend="", instant=False, ref="A"):
    return {"datasource": PROM, "refId": ref, "expr": expr, "legendFormat": legend,
            "instant": instant, "range": not instant}


def sql(text, fmt="table", ref="A"):
    return {"datasource": PG, "refId": ref, "rawSql": " ".join(text.split()), "format": fmt,
            "rawQuery": True, "editorMode": "code"}


RATE = "[$__rate_interval]"


def overview():
    b = Board("costledger-overview", "costledger / Overview",
              "What the cluster costs, by team and namespace, and what sits idle.")
    b.panel("stat", "Cluster price now", [prom("sum(node_total_hourly_cost)", instant=True)],
            w=6, h=4, unit="currencyUSD", description="Sum of the nodes' hourly prices ($/h).")
    b.panel("stat", "Spend in range",
            [sql("SELECT sum(cost) AS spend FROM dashboards.node_costs WHERE $__timeFilter(time)")],
            w=6, h=4, unit="currencyUSD", description="Node cost = containers + idle, exact.")
    b.panel("stat", "Idle in range",
            [sql("SELECT sum(idle_cost) AS idle FROM dashboards.node_costs "
                 "WHERE $__timeFilter(time)")], w=6, h=4, unit="currencyUSD")
    b.panel("stat", "Athena in range",
            [sql("SELECT coalesce(sum(cost), 0) AS queries FROM dashboards.query_costs "
                 "WHERE $__timeFilter(time)")], w=6, h=4, unit="currencyUSD")
    b.panel("timeseries", "Cost rate by team ($/h)",
            [prom("sum by (team) (rate(costledger_container_cost_dollars_total" + RATE + ")) * 3600",
                  "{{team}}"),
             prom("sum(rate(costledger_idle_cost_dollars_total" + RATE + ")) * 3600", "idle", ref="B")],
            unit="currencyUSD")
    b.panel("timeseries", "Hourly cost by team",
            [sql("SELECT $__timeGroupAlias(time, '1h'), team AS metric, sum(cost) AS cost "
                 "FROM dashboards.container_costs WHERE $__timeFilter(time) GROUP BY 1, 2 "
                 "ORDER BY 1", fmt="time_series")], unit="currencyUSD")
    b.panel("table", "Cost by team and namespace",
            [sql("SELECT team, namespace, sum(cost) AS cost, sum(gpu_hours) AS gpu_hours "
                 "FROM dashboards.container_costs WHERE $__timeFilter(time) GROUP BY 1, 2 "
                 "ORDER BY cost DESC LIMIT 50")], w=24, unit="currencyUSD")
    return b


def team():
    b = Board("costledger-team", "costledger / Team",
              "One team's spend: namespaces, workloads named as their platforms name them, queries.")
    b.variable("team", "Team", PG,
               "SELECT DISTINCT team FROM dashboards.container_costs WHERE team <> '' "
               "AND time > now() - interval '2 days' ORDER BY 1")
    b.panel("stat", "Spend in range",
            [sql("SELECT sum(cost) AS spend FROM dashboards.container_costs "
                 "WHERE $__timeFilter(time) AND team = '$team'")], w=8, h=4, unit="currencyUSD")
    b.panel("stat", "GPU hours in range",
            [sql("SELECT sum(gpu_hours) AS gpu_hours FROM dashboards.container_costs "
                 "WHERE $__timeFilter(time) AND team = '$team'")], w=8, h=4)
    b.panel("stat", "Cost rate now ($/h)",
            [prom("sum(rate(costledger_container_cost_dollars_total{team=\"$team\"}" + RATE
                  + ")) * 3600", instant=True)], w=8, h=4, unit="currencyUSD")
    b.panel("timeseries", "Cost rate by namespace ($/h)",
            [prom("sum by (namespace) (rate(costledger_container_cost_dollars_total"
                  "{team=\"$team\"}" + RATE + ")) * 3600", "{{namespace}}")], unit="currencyUSD")
    b.panel("timeseries", "Hourly cost by platform",
            [sql("SELECT $__timeGroupAlias(time, '1h'), platform AS metric, sum(cost) AS cost "
                 "FROM dashboards.container_costs WHERE $__timeFilter(time) AND team = '$team' "
                 "GROUP BY 1, 2 ORDER BY 1", fmt="time_series")], unit="currencyUSD")
    b.panel("table", "Top workloads",
            [sql("SELECT namespace, workload, platform, sum(cost) AS cost, "
                 "sum(cpu_usage_core_hours) / nullif(sum(cpu_request_core_hours), 0) "
                 "AS cpu_efficiency FROM dashboards.container_costs WHERE $__timeFilter(time) "
                 "AND team = '$team' GROUP BY 1, 2, 3 ORDER BY cost DESC LIMIT 25")], w=14, h=10)
    b.panel("table", "Athena workgroups",
            [sql("SELECT workgroup, count(*) AS queries, sum(data_scanned_bytes) AS scanned_bytes, "
                 "sum(cost) AS cost FROM dashboards.query_costs WHERE $__timeFilter(time) "
                 "AND team = '$team' GROUP BY 1 ORDER BY cost DESC")], w=10, h=10)
    return b


def namespace():
    b = Board("costledger-namespace", "costledger / Namespace and workloads",
              "A namespace's workloads (notebook:<user>, dag:<dag>/<task>, spark:<app>, "
              "raycluster:<name>, else the controller) and their pods.")
    b.variable("namespace", "Namespace", PROM,
               "label_values(costledger_container_cost_dollars_total, namespace)")
    b.panel("timeseries", "Cost rate ($/h)",
            [prom("sum by (team) (rate(costledger_container_cost_dollars_total"
                  "{namespace=\"$namespace\"}" + RATE + ")) * 3600", "{{team}}")],
            unit="currencyUSD")
    b.panel("timeseries", "CPU allocated by pod (cores)",
            [prom("topk(10, sum by (pod) (container_cpu_allocation{namespace=\"$namespace\"}))",
                  "{{pod}}")])
    b.panel("table", "Workloads",
            [sql("SELECT workload, platform, controller_kind, team, count(DISTINCT pod) AS pods, "
                 "sum(cost) AS cost, sum(gpu_hours) AS gpu_hours FROM dashboards.container_costs "
                 "WHERE $__timeFilter(time) AND namespace = '$namespace' GROUP BY 1, 2, 3, 4 "
                 "ORDER BY cost DESC")], w=24, h=9)
    b.panel("table", "Pods and containers",
            [sql("SELECT workload, pod, container, node, capacity_type, sum(cost) AS cost, "
                 "avg(cpu_request_cores) AS cpu_request, avg(cpu_usage_cores) AS cpu_usage, "
                 "avg(memory_usage_bytes) AS memory_usage FROM dashboards.container_costs "
                 "WHERE $__timeFilter(time) AND namespace = '$namespace' GROUP BY 1, 2, 3, 4, 5 "
                 "ORDER BY cost DESC LIMIT 100")], w=24, h=10)
    return b


def gpu():
    b = Board("costledger-gpu", "costledger / GPUs",
              "GPU cost, hours, utilisation (DCGM) and idle GPUs by type.")
    b.panel("stat", "GPUs now", [prom("sum(node_gpu_count)", instant=True)], w=6, h=4)
    b.panel("stat", "GPU price now ($/h)",
            [prom("sum(node_gpu_hourly_cost * node_gpu_count)", instant=True)], w=6, h=4,
            unit="currencyUSD")
    b.panel("stat", "GPU hours in range",
            [sql("SELECT sum(gpu_hours) AS gpu_hours FROM dashboards.node_costs "
                 "WHERE $__timeFilter(time)")], w=6, h=4)
    b.panel("stat", "Idle GPU cost in range",
            [sql("SELECT sum(idle_gpu_cost) AS idle FROM dashboards.node_costs "
                 "WHERE $__timeFilter(time)")], w=6, h=4, unit="currencyUSD")
    b.panel("timeseries", "GPU utilisation by offering",
            [prom("costledger_offering_gpu_utilization_ratio",
                  "{{instance_type}} {{capacity_type}} {{zone}}")], unit="percentunit")
    b.panel("timeseries", "GPU price by instance type ($/h)",
            [prom("sum by (instance_type) (node_gpu_hourly_cost * node_gpu_count)",
                  "{{instance_type}}")], unit="currencyUSD")
    b.panel("table", "GPU hours and cost by team",
            [sql("SELECT team, sum(gpu_hours) AS gpu_hours, sum(gpu_cost) AS gpu_cost, "
                 "sum(gpu_busy_devices * interval_seconds) / nullif(sum(gpu_devices * "
                 "interval_seconds), 0) AS utilisation FROM dashboards.container_costs "
                 "WHERE $__timeFilter(time) AND gpu_devices > 0 GROUP BY 1 ORDER BY gpu_cost DESC")])
    b.panel("table", "Idle GPUs by type",
            [sql("SELECT instance_type, capacity_type, sum(gpu_hours) AS gpu_hours, "
                 "sum(idle_gpu_cost) AS idle_gpu_cost FROM dashboards.node_costs "
                 "WHERE $__timeFilter(time) AND gpu_devices > 0 GROUP BY 1, 2 "
                 "ORDER BY idle_gpu_cost DESC")])
    return b


def spot():
    b = Board("costledger-spot", "costledger / Spot vs on-demand",
              "Share of spot, what it saved against on-demand nodes of the same type, and how "
              "often spot nodes were interrupted.")
    b.panel("stat", "Spot share of node price now",
            [prom("sum(node_total_hourly_cost * kubecost_node_is_spot) / "
                  "sum(node_total_hourly_cost)", instant=True)], w=8, h=4, unit="percentunit")
    b.panel("stat", "Spot nodes now", [prom("sum(kubecost_node_is_spot)", instant=True)], w=8, h=4)
    b.panel("stat", "Saved vs on-demand of the same type",
            [sql("WITH od AS (SELECT instance_type, avg(hourly_price) AS price "
                 "FROM dashboards.node_costs WHERE $__timeFilter(time) AND "
                 "capacity_type = 'on-demand' GROUP BY 1) SELECT coalesce(sum(n.node_hours * "
                 "od.price - n.cost), 0) AS saved FROM dashboards.node_costs n JOIN od USING "
                 "(instance_type) WHERE $__timeFilter(n.time) AND n.capacity_type = 'spot'")],
            w=8, h=4, unit="currencyUSD",
            description="Only instance types that also ran on demand in the range.")
    b.panel("timeseries", "Hourly node cost by capacity type",
            [sql("SELECT $__timeGroupAlias(time, '1h'), capacity_type AS metric, sum(cost) AS cost "
                 "FROM dashboards.node_costs WHERE $__timeFilter(time) GROUP BY 1, 2 ORDER BY 1",
                 fmt="time_series")], unit="currencyUSD")
    b.panel("timeseries", "Node price by capacity type ($/h)",
            [prom("sum(node_total_hourly_cost * kubecost_node_is_spot)", "spot"),
             prom("sum(node_total_hourly_cost) - sum(node_total_hourly_cost * "
                  "kubecost_node_is_spot)", "on-demand", ref="B")], unit="currencyUSD")
    b.panel("table", "Spot interruptions per node-hour by offering",
            [prom("costledger_offering_interruptions_per_node_hour{capacity_type=\"spot\"}",
                  instant=True)], w=24)
    return b


def athena():
    b = Board("costledger-athena", "costledger / Athena workgroups",
              "Queries priced by data scanned (rule 7), by workgroup and team; the most expensive.")
    b.panel("stat", "Query cost in range",
            [prom("sum(increase(costledger_query_cost_dollars_total[$__range]))", instant=True)],
            w=8, h=4, unit="currencyUSD")
    b.panel("stat", "Queries in range",
            [prom("sum(increase(costledger_queries_total[$__range]))", instant=True)], w=8, h=4)
    b.panel("stat", "Scanned in range",
            [sql("SELECT sum(data_scanned_bytes) AS scanned FROM dashboards.query_costs "
                 "WHERE $__timeFilter(time)")], w=8, h=4, unit="bytes")
    b.panel("timeseries", "Query cost rate by workgroup ($/h)",
            [prom("sum by (workgroup) (rate(costledger_query_cost_dollars_total" + RATE
                  + ")) * 3600", "{{workgroup}}")], unit="currencyUSD")
    b.panel("table", "Workgroups",
            [sql("SELECT workgroup, team, count(*) AS queries, sum(data_scanned_bytes) AS scanned, "
                 "sum(cost) AS cost FROM dashboards.query_costs WHERE $__timeFilter(time) "
                 "GROUP BY 1, 2 ORDER BY cost DESC")])
    b.panel("table", "Most expensive queries",
            [sql("SELECT time, workgroup, team, state, data_scanned_bytes, cost, query "
                 "FROM dashboards.query_costs WHERE $__timeFilter(time) ORDER BY cost DESC "
                 "LIMIT 20")], w=24, h=10)
    return b


def quotas():
    b = Board("costledger-quotas", "costledger / Quotas",
              "Each quota's spend in its current period against its limit (the evaluator's).")
    b.panel("bargauge", "Used of limit",
            [prom("costledger_quota_usage_ratio", "{{quota}}", instant=True)], w=12, h=8,
            unit="percentunit")
    b.panel("table", "Spent and limit (quota's unit)",
            [prom("costledger_quota_spent", instant=True),
             prom("costledger_quota_limit", instant=True, ref="B")], w=12, h=8)
    b.panel("table", "Quotas as specified",
            [sql("SELECT name, team, namespace, workgroup, period, action, limit_unit, "
                 "limit_amount, updated_by FROM dashboards.quotas ORDER BY name")], w=24)
    return b


def efficiency():
    b = Board("costledger-efficiency", "costledger / Efficiency and offerings",
              "What a used unit costs per offering, and how well workloads use what they ask for.")
    b.panel("table", "Offerings: $/used vCPU-hour (interruption-adjusted)",
            [prom("costledger_offering_adjusted_cost_per_used_vcpu_hour_dollars", instant=True),
             prom("costledger_offering_hourly_price_dollars", instant=True, ref="B")], w=24, h=9)
    b.panel("timeseries", "CPU utilisation by offering",
            [prom("costledger_offering_cpu_utilization_ratio",
                  "{{instance_type}} {{capacity_type}} {{zone}}")], unit="percentunit")
    b.panel("table", "Workloads: cost per hour and CPU efficiency",
            [prom("topk(20, costledger_workload_cost_per_hour_dollars)", instant=True),
             prom("costledger_workload_cpu_efficiency_ratio", instant=True, ref="B")])
    b.panel("table", "Requested vs used CPU by namespace",
            [sql("SELECT namespace, sum(cpu_request_core_hours) AS requested_core_hours, "
                 "sum(cpu_usage_core_hours) AS used_core_hours, sum(cpu_usage_core_hours) / "
                 "nullif(sum(cpu_request_core_hours), 0) AS efficiency, sum(cpu_cost) AS cpu_cost "
                 "FROM dashboards.container_costs WHERE $__timeFilter(time) GROUP BY 1 "
                 "ORDER BY cpu_cost DESC")], w=24)
    b.panel("table", "Right-sizing: weekly saving by workload",
            [prom("topk(20, costledger_workload_weekly_saving_dollars)", instant=True)], w=24)
    return b


BOARDS = [overview, team, namespace, gpu, spot, athena, quotas, efficiency]


def main():
    # An output directory other than grafana/dashboards (the test compares the two).
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "dashboards")
    for make in BOARDS:
        board = make()
        name = board.uid.replace("costledger-", "") + ".json"
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(board.json(), f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
