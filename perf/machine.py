"""What a benchmark ran on, so its figures can be compared and reproduced."""

import os
import platform
import subprocess

from django.db import connection


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def database_description():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
    return connection.vendor


def describe_machine():
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "database": database_description(),
    }


def load_average():
    """The machine's load when a measurement started or ended: `uptime`'s words and the 1/5/15-minute averages."""
    try:
        uptime = subprocess.run(
            ["uptime"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except OSError:
        uptime = ""
    return {"uptime": uptime, "load_1_5_15": [round(load, 2) for load in os.getloadavg()]}
