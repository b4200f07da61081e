#!/usr/bin/env python3
"""Ingests a realistic mix into a running collector (any version since 2026-12-01): JsonBatch envelopes and NDJSON,
Python HTTPHandler forms; level rules where the version has them. Usage: ingest.py <base-url> <iso-time-base> <tag>"""
import json, sys, urllib.request, urllib.parse, datetime, uuid

base, t0, tag = sys.argv[1], datetime.datetime.fromisoformat(sys.argv[2]), sys.argv[3]

def post(path, body, ctype, headers=None):
    req = urllib.request.Request(base + path, data=body, method="POST", headers={"Content-Type": ctype, **(headers or {})})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def ts(seconds):
    return (t0 + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")

levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"]
apps, users, machines, versions = ["Shop", "shop", "Billing"], ["Alice", "alice", "Bob", None, "Zoë"], ["web-1", "web-2"], ["1.0", "2.0+6d3d4d2c"]
words = ["timeout", "invoice", "payment"]
results = []
for b in range(6):
    events = []
    for j in range(20):
        i = b * 20 + j
        e = {"timestamp": ts(i * 29), "level": levels[i % 6], "category": "Shop.Orders" if i % 4 else "Billing.Run",
             "message": f"{words[i % 3]} number {i} for order {48151600 + i}", "sequence": i + 1}
        if i % 5:
            e["template"] = "{Word} number {N} for order {OrderId}"
            e["properties"] = {"Word": words[i % 3], "N": i, "OrderId": 48151600 + i, "Order": {"Id": i, "Customer": {"Name": "Zoë" if i % 2 else "Bob"}}}
        if i % 6 >= 4:
            e["exception"] = {"type": "System.InvalidOperationException", "message": f"rate {i} missing",
                              "stackTrace": "   at Shop.Orders.Place()", "text": f"System.InvalidOperationException: rate {i} missing\n   at Shop.Orders.Place()"}
        if i % 7 == 0:
            e["traceId"] = f"{i:032x}".replace("0", "a", 1)
            e["spanId"] = "00f067aa0ba902b7"
            e["scopes"] = ["RequestId:abc", {"CorrelationId": f"c-{i}"}]
        if i % 9 == 0:
            e["user"] = "carol"
        events.append(e)
    env = {"batchId": uuid.uuid5(uuid.NAMESPACE_URL, f"{tag}-{b}").hex, "app": apps[b % 3], "version": versions[b % 2],
           "user": users[b % 5], "machine": machines[b % 2], "processId": 4242, "instanceId": f"{tag}-inst-{b % 2}", "events": events}
    results.append(post("/log/" + ("shop/orders" if b % 2 else "billing"), json.dumps(env).encode(), "application/json",
                        {"Idempotency-Key": env["batchId"]}))
# a resend of batch 0: stored once
env0 = {"batchId": uuid.uuid5(uuid.NAMESPACE_URL, f"{tag}-0").hex, "app": "Shop", "instanceId": f"{tag}-inst-0",
        "events": [{"timestamp": ts(0), "level": "Trace", "category": "x", "message": "resent", "sequence": 1}]}
results.append(post("/log/billing", json.dumps(env0).encode(), "application/json", {"Idempotency-Key": env0["batchId"]}))
# NDJSON
lines = [json.dumps({"timestamp": ts(3000 + k), "level": "Warning", "category": "Nd.Json", "message": f"ndjson line {k} slow disk",
                     "app": "Billing", "user": "dave", "machine": "batch-1", "instanceId": f"{tag}-nd", "sequence": k + 1}) for k in range(5)]
results.append(post("/log/nd", "\n".join(lines).encode(), "application/x-ndjson", {"Idempotency-Key": uuid.uuid5(uuid.NAMESPACE_URL, f"{tag}-nd").hex}))
# Python HTTPHandler records (CPython's fields) and the seed's ThreadedHttpHandler (msg rendered, user/app/machine/revision)
for k in range(6):
    created = (t0 + datetime.timedelta(seconds=3100 + k)).timestamp()
    rec = {"name": "payroll.run", "msg": "Paid %s to %s", "args": f"({k * 100}, 'emp{k}')", "levelname": ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "INFO"][k],
           "levelno": str([10, 20, 30, 40, 50, 20][k]), "pathname": "/app/payroll.py", "filename": "payroll.py", "module": "payroll",
           "exc_info": "None", "exc_text": "None" if k != 3 else "Traceback (most recent call last):\n  File \"/app/payroll.py\", line 9, in run\nZeroDivisionError: division by zero",
           "stack_info": "None", "lineno": "9", "funcName": "run", "created": str(created), "msecs": "0.0", "relativeCreated": "12.5",
           "thread": "140", "threadName": "MainThread", "processName": "MainProcess", "process": "77"}
    if k % 2:
        rec.update({"msg": f"Paid {k * 100} to emp{k}", "args": "()", "user": "erin", "machine": "PC-042", "app": "Payroll", "revision": "12"})
    results.append(post("/log/py/erin" if k % 2 else "/log/py", urllib.parse.urlencode(rec).encode(), "application/x-www-form-urlencoded"))
bad = [r for r in results if r[0] >= 300]
print("ingest:", len(results), "requests,", len(bad), "refused", bad[:3])
# level rules (since 2026-12-01 evening)
for rule in [{"user": "alice", "level": "Debug", "duration": "08:00:00"}, {"app": "Billing", "version": "2.0", "level": "Trace", "category": "Billing.", "duration": "20:00:00"}]:
    print("level rule:", post("/api/levels", json.dumps(rule).encode(), "application/json"))
