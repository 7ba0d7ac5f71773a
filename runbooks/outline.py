"""The structure every runbook follows (DESIGN.md): new runbooks start from this outline."""

NEW_RUNBOOK_BODY = """\
## Service overview

**Purpose:** what this service does and who depends on it.

**Dependencies:** databases, queues and services it needs to work.

**Impact when it fails:** what customers and other teams notice.

## Key metrics and dashboards

- Dashboard: https://grafana.example.com/d/… (replace with the real link)
- Error rate, latency (p50/p99), saturation — and their normal ranges.

## Common issues

### Symptom: …

- **Diagnosis:** how to confirm it (commands, queries, dashboards).
- **Resolution:** the steps that fix it.

## Emergency procedures

### Rollback

```sh
# how to roll back to the previous release
```

### Scale

### Fail over

## Escalation

- Primary on-call: the owning team's rotation
- Secondary: the next team to call, and when
- Vendor support: contact and contract number
"""
