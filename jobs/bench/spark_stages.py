#!/usr/bin/env python3
"""Summarises a Spark event log by job and stage: when each ran (seconds from the application's
start), its tasks' summed run time, CPU time, deserialisation, GC and shuffle, so a job's phases can
be told apart on a shared machine (task CPU time does not grow with the load the way wall time does).

  spark_stages.py EVENT_LOG

Write the log with `--conf spark.eventLog.enabled=true --conf spark.eventLog.compress=false
--conf spark.eventLog.dir=file:/some/dir` on the haloconv command line; it is the events_1_* file
of the newest directory there. CPU time counts the task threads only: work a task hands to another
thread (haloconv's decode threads) is in its run time, not its CPU time.
"""
import collections
import json
import sys


def main(path):
    start = None
    jobs, stages, job_of = {}, {}, {}
    tasks = collections.defaultdict(collections.Counter)
    for line in open(path):
        e = json.loads(line)
        kind = e["Event"]
        if kind == "SparkListenerApplicationStart":
            start = e["Timestamp"]
        elif kind == "SparkListenerJobStart":
            jobs[e["Job ID"]] = [e["Submission Time"], None,
                                 e.get("Properties", {}).get("spark.job.description", "")]
            for s in e["Stage IDs"]:
                job_of[s] = e["Job ID"]
        elif kind == "SparkListenerJobEnd":
            jobs[e["Job ID"]][1] = e["Completion Time"]
        elif kind == "SparkListenerStageCompleted":
            i = e["Stage Info"]
            stages[i["Stage ID"]] = (i.get("Submission Time"), i.get("Completion Time"), i["Stage Name"])
        elif kind == "SparkListenerTaskEnd":
            m = e.get("Task Metrics") or {}
            c = tasks[e["Stage ID"]]
            c["tasks"] += 1
            c["run"] += m.get("Executor Run Time", 0) / 1e3
            c["cpu"] += m.get("Executor CPU Time", 0) / 1e9
            c["deserialize"] += m.get("Executor Deserialize Time", 0) / 1e3
            c["gc"] += m.get("JVM GC Time", 0) / 1e3
            c["shuffle_write_mb"] += m.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0) / 1e6
    for j, (a, b, description) in sorted(jobs.items()):
        b = b or a
        print("job %d %s: %.2f-%.2f s (%.2f s)" % (j, description or "-", (a - start) / 1e3,
                                                 (b - start) / 1e3, (b - a) / 1e3))
        for s in sorted(x for x, owner in job_of.items() if owner == j and x in stages):
            a2, b2, name = stages[s]
            c = tasks[s]
            print("  stage %d %s: %.2f-%.2f s (%.2f s), %d tasks, run %.1f s, CPU %.1f s, "
                  "deserialize %.2f s, GC %.2f s, shuffle written %.1f MB" % (
                      s, name, (a2 - start) / 1e3, (b2 - start) / 1e3, (b2 - a2) / 1e3, c["tasks"],
                      c["run"], c["cpu"], c["deserialize"], c["gc"], c["shuffle_write_mb"]))


if __name__ == "__main__":
    main(sys.argv[1])
