"""Demo runbooks: ~25 procedures for the demo services, reviewed at varied times, linked to demo incidents.

Idempotent (keyed on runbook title, and on incident + runbook for usages); runs after incidents and postmortems.
Ends by rebuilding the search index, so everything seeded (bulk-created timelines included) is searchable.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents.models import Incident, Service
from search.indexing import rebuild_index

from .models import Runbook, RunbookUsage, Tag

# (title, services, tags, owner team, reviewed days ago or None, purpose, [(symptom, diagnosis, resolution)],
#  rollback command, scale note, fail-over note)
RUNBOOKS = [
    (
        "Database connection exhaustion",
        ["orders-db", "checkout-api"],
        ["postgres", "pgbouncer", "capacity"],
        "Data Platform",
        20,
        "PgBouncer pools connections from every service to the orders PostgreSQL cluster.",
        [
            (
                "Connection pool exhausted: `no more connections allowed (max_client_conn)`",
                "`SHOW POOLS;` on pgbouncer: `cl_waiting` > 0 and `sv_idle` = 0. Check `pg_stat_activity` for idle-in-transaction.",
                "Raise `default_pool_size` for the busy pool, reload pgbouncer, kill sessions idle in transaction > 5 min.",
            )
        ],
        "kubectl -n data rollout undo deploy/pgbouncer",
        "Add a pgbouncer replica; keep total server connections under max_connections - 20.",
        "Promote the synchronous replica with `patronictl failover orders`.",
    ),
    (
        "Connection pool tuning for auth-service",
        ["auth-service", "orders-db"],
        ["postgres", "connection-pool"],
        "Identity",
        150,
        "auth-service keeps a HikariCP connection pool per pod towards orders-db.",
        [
            (
                "Requests time out waiting for a connection",
                "Metric `hikaricp_connections_pending` > 0 for 2 minutes.",
                "Scale auth-service pods before raising the per-pod pool; never exceed the pgbouncer pool size.",
            )
        ],
        "kubectl -n identity rollout undo deploy/auth-service",
        "HPA max 40 pods; each pod holds 10 connections.",
        "Point DATABASE_HOST at the standby pgbouncer service.",
    ),
    (
        "High memory usage and OOM kills",
        ["checkout-api", "k8s-platform"],
        ["memory", "oom", "kubernetes"],
        "Payments",
        60,
        "checkout-api workers run in Kubernetes with a 1 GiB memory limit.",
        [
            (
                "Pods restarting with `OOMKilled`",
                "`kubectl describe pod` shows Last State OOMKilled; heap profile via /debug/pprof/heap.",
                "Roll back the last deploy if memory grew after it; otherwise raise the limit temporarily and open a leak action item.",
            )
        ],
        "kubectl -n payments rollout undo deploy/checkout-api",
        "Add replicas so each pod serves less traffic.",
        "Shift traffic to the secondary region in the edge config.",
    ),
    (
        "TLS certificate renewal",
        ["edge-proxy"],
        ["tls", "certificates", "cert-manager"],
        "Platform",
        200,
        "The edge terminates TLS for api.example.com and www.example.com with certificates from cert-manager.",
        [
            (
                "Clients fail TLS handshakes; certificate expired",
                "`openssl s_client -connect api.example.com:443 | openssl x509 -noout -dates`.",
                "Check the cert-manager Certificate status; delete the failed CertificateRequest to retry, or issue manually.",
            )
        ],
        "kubectl -n edge rollout undo deploy/envoy",
        "Not applicable.",
        "Serve the previous certificate from the secret backup.",
    ),
    (
        "Internal CA certificate rotation",
        ["k8s-platform"],
        ["tls", "certificates", "pki"],
        "Platform",
        None,
        "The internal CA signs service-to-service mTLS certificates.",
        [
            (
                "mTLS handshakes failing between services",
                "Envoy logs `CERTIFICATE_VERIFY_FAILED`; check the CA bundle version.",
                "Distribute the new CA bundle first, then rotate leaf certificates, then retire the old CA.",
            )
        ],
        "Re-apply the previous CA bundle ConfigMap",
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "Bad deploy rollback",
        ["checkout-api", "payments-gateway", "mobile-bff"],
        ["deploy", "rollback"],
        "Platform",
        10,
        "Every service deploys through Argo CD from the main branch.",
        [
            (
                "Error rate or latency rose right after a deploy",
                "Compare the deploy time in Argo CD with the error-rate graph.",
                "Roll back first, investigate after: sync the previous revision in Argo CD.",
            )
        ],
        "argocd app rollback <app> <previous-revision>",
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "Queue backlog in notifications",
        ["notifications"],
        ["rabbitmq", "queue", "capacity"],
        "Messaging",
        95,
        "notifications consumes email, SMS and push jobs from RabbitMQ.",
        [
            (
                "Queue depth growing; notifications delayed",
                "RabbitMQ management: `notifications.send` ready messages > 10k.",
                "Scale consumers; check the slowest dependency (email provider, APNs) and pause non-urgent queues.",
            )
        ],
        "kubectl -n messaging rollout undo deploy/notifications-worker",
        "Scale workers from 4 up to 32.",
        "Switch the email provider to the secondary in the feature flags.",
    ),
    (
        "Order fulfilment queue backlog",
        ["checkout-api", "notifications"],
        ["queue", "capacity"],
        "Payments",
        40,
        "Order confirmations are published to the fulfilment queue after payment.",
        [
            (
                "Orders paid but not confirmed",
                "Queue `orders.fulfil` consumers down or slow.",
                "Restart stuck consumers; replay dead-lettered messages after the fix.",
            )
        ],
        "kubectl -n payments rollout undo deploy/fulfilment-worker",
        "Add consumers.",
        "Not applicable.",
    ),
    (
        "Elasticsearch disk full and read-only indices",
        ["search-api"],
        ["elasticsearch", "disk"],
        "Discovery",
        30,
        "search-api queries a 6-node Elasticsearch cluster.",
        [
            (
                "Cluster red or indices read-only after disk full",
                "`GET _cat/allocation?v` shows nodes over the flood-stage watermark.",
                "Delete old snapshots/indices, add disk, then clear `index.blocks.read_only_allow_delete`.",
            )
        ],
        "Restore the previous index alias",
        "Add data nodes.",
        "Point search-api at the standby cluster.",
    ),
    (
        "Search relevance regression",
        ["search-api"],
        ["elasticsearch", "config"],
        "Discovery",
        100,
        "Index templates and analysers decide what matches.",
        [
            (
                "Queries return fewer or no results",
                "Run the relevance smoke queries; diff the index template.",
                "Revert the template and reindex into a new index, then swap the alias.",
            )
        ],
        "Swap the alias back to the previous index",
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "Kubernetes node pool scaling",
        ["k8s-platform"],
        ["kubernetes", "autoscaler", "capacity"],
        "Platform",
        70,
        "The cluster autoscaler adds nodes when pods are pending.",
        [
            (
                "Pods pending for minutes",
                "`kubectl get pods -A --field-selector=status.phase=Pending`; autoscaler logs.",
                "Scale the node pool manually; if the cloud API rate-limits, request a quota increase.",
            )
        ],
        "Not applicable",
        "Scale the node pool in the cloud console.",
        "Move workloads to the secondary cluster.",
    ),
    (
        "CoreDNS failures in the cluster",
        ["k8s-platform", "edge-proxy"],
        ["dns", "kubernetes"],
        "Platform",
        250,
        "CoreDNS resolves service names inside the cluster.",
        [
            (
                "`no such host` errors across services",
                "CoreDNS pods restarting or OOMKilled.",
                "Revert the CoreDNS ConfigMap, raise its memory limit, scale to 4 replicas.",
            )
        ],
        "kubectl -n kube-system rollout undo deploy/coredns",
        "Scale CoreDNS replicas.",
        "Not applicable.",
    ),
    (
        "Payments idempotency and double charges",
        ["payments-gateway", "billing-jobs"],
        ["payments", "idempotency"],
        "Payments",
        45,
        "payments-gateway sends an idempotency key with every charge.",
        [
            (
                "Customers charged twice",
                "Search the gateway logs for retries without `Idempotency-Key`.",
                "Disable automatic retries; refund duplicates through the processor dashboard.",
            )
        ],
        "argocd app rollback payments-gateway <previous-revision>",
        "Not applicable.",
        "Route to the secondary processor.",
    ),
    (
        "Card processor outage",
        ["payments-gateway"],
        ["payments", "dependency"],
        "Payments",
        85,
        "Two processors (Adyen, Stripe) can take card payments.",
        [
            (
                "Processor timeouts or 5xx",
                "Processor status page; gateway `processor_errors_total`.",
                "Fail over to the secondary processor with the `payments.processor` flag.",
            )
        ],
        "Flip the flag back",
        "Not applicable.",
        "Set `payments.processor=secondary`.",
    ),
    (
        "Refund job safety checks",
        ["billing-jobs"],
        ["batch", "cron"],
        "Payments",
        300,
        "Refunds run as a nightly Kubernetes CronJob.",
        [
            (
                "Refunds paid twice",
                "Two CronJob schedules or a retried job.",
                "Suspend the CronJob, reconcile with finance, recover overpayments.",
            )
        ],
        'kubectl -n billing patch cronjob refunds -p \'{"spec":{"suspend":true}}\'',
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "Nightly ETL late or failing",
        ["data-pipeline"],
        ["etl", "warehouse"],
        "Data Platform",
        120,
        "Airflow loads the warehouse nightly for the analytics dashboards.",
        [
            (
                "Dashboards show yesterday's numbers",
                "Airflow DAG `warehouse_load` still running or failed.",
                "Raise `work_mem` for the load job, rerun failed tasks, tell analytics.",
            )
        ],
        "Rerun the previous DAG version",
        "Add Airflow workers.",
        "Not applicable.",
    ),
    (
        "Redis cache failover and warm-up",
        ["catalog-service"],
        ["redis", "cache"],
        "Discovery",
        55,
        "catalog-service caches prices and stock in Redis.",
        [
            (
                "Stale prices after a cache failover",
                "Cache warmed from an old snapshot.",
                "Flush the cache and re-warm from the database, not from snapshots.",
            )
        ],
        "Not applicable",
        "Add Redis replicas.",
        "Promote the Redis replica with Sentinel.",
    ),
    (
        "JWT signing key rotation",
        ["auth-service", "mobile-bff"],
        ["auth", "jwt", "keys"],
        "Identity",
        15,
        "auth-service signs tokens; clients validate with the JWKS endpoint.",
        [
            (
                "401s after key rotation",
                "Clients cache the JWKS for too long.",
                "Publish the new key 24 h before signing with it; force a JWKS refresh in the BFF.",
            )
        ],
        "Re-publish the previous key",
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "SSO SAML certificate expiry",
        ["auth-service"],
        ["sso", "saml", "certificates"],
        "Identity",
        400,
        "Enterprise customers log in through SAML with our signing certificate.",
        [
            (
                "Enterprise users stuck in login loops",
                "SAML assertion validation errors mention the certificate.",
                "Rotate the signing certificate and send new metadata to affected customers.",
            )
        ],
        "Restore the previous certificate",
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "Credential stuffing attack response",
        ["auth-service", "edge-proxy"],
        ["security", "rate-limit"],
        "Identity",
        25,
        "Login endpoints are protected by the edge rate limiter and bot detection.",
        [
            (
                "Spike in failed logins from many IPs",
                "Failed-login rate per ASN; bot score distribution.",
                "Tighten the login rate limit, enable the challenge page, force resets for compromised accounts.",
            )
        ],
        "Revert the rate-limit config",
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "Edge rate limiter configuration",
        ["edge-proxy"],
        ["rate-limit", "config"],
        "Platform",
        180,
        "Envoy applies global and per-key rate limits at the edge.",
        [
            (
                "Partners receive 429s",
                "Check whether their API keys are in the exemption list.",
                "Add the exemption; roll out rate-limit changes to 5% first.",
            )
        ],
        "kubectl -n edge rollout undo deploy/ratelimit",
        "Scale the ratelimit service.",
        "Not applicable.",
    ),
    (
        "Primary database failover",
        ["orders-db"],
        ["postgres", "patroni", "failover"],
        "Data Platform",
        35,
        "orders-db runs PostgreSQL with Patroni: one primary, two replicas.",
        [
            (
                "Primary unreachable or replication lag alert",
                "`patronictl list`; check lag on each replica.",
                "Fail over to the replica with least lag; replay orders from the outbox queue.",
            )
        ],
        "Not applicable",
        "Add a read replica.",
        "`patronictl failover orders --candidate <replica>`",
    ),
    (
        "Long-running migration locks a table",
        ["orders-db", "checkout-api"],
        ["postgres", "migrations", "locks"],
        "Data Platform",
        90,
        "Schema migrations run from the deploy pipeline.",
        [
            (
                "Writes blocked; `pg_locks` shows AccessExclusiveLock",
                "Find the migration's backend in `pg_stat_activity`.",
                "Cancel it with `pg_cancel_backend`; rewrite the migration to add columns without a table rewrite.",
            )
        ],
        "Roll back the deploy containing the migration",
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "Mobile BFF crash loop",
        ["mobile-bff"],
        ["kubernetes", "config"],
        "Mobile",
        65,
        "mobile-bff aggregates calls for the iOS and Android apps.",
        [
            (
                "Pods in CrashLoopBackOff after a config push",
                "`kubectl logs --previous` shows the config parse error.",
                "Revert the ConfigMap; validate config in CI before pushing.",
            )
        ],
        "kubectl -n mobile rollout undo deploy/mobile-bff",
        "Scale replicas.",
        "Not applicable.",
    ),
    (
        "Push notification certificates",
        ["notifications", "mobile-bff"],
        ["apns", "certificates"],
        "Messaging",
        110,
        "APNs and FCM credentials let us send push notifications.",
        [
            (
                "iOS pushes fail with `BadCertificate`",
                "Check the APNs certificate expiry date.",
                "Move to token-based APNs auth; upload the new key.",
            )
        ],
        "Re-upload the previous key",
        "Not applicable.",
        "Not applicable.",
    ),
    (
        "Disk full on log shipping nodes",
        ["k8s-platform"],
        ["disk", "logging"],
        "Platform",
        140,
        "Fluent Bit ships logs from every node to the log cluster.",
        [
            (
                "Node disk pressure; pods evicted",
                "`df -h /var/log` on the node; Fluent Bit buffer size.",
                "Rotate and truncate buffers; lower the buffer limit; add disk.",
            )
        ],
        "Not applicable",
        "Add log cluster nodes.",
        "Not applicable.",
    ),
]

# incident title -> [(runbook title or None for "missing", outcome, note)]
USAGES = {
    "Orders database connection exhaustion": [
        ("Database connection exhaustion", "partly", "Pool sizes in step 2 were out of date.")
    ],
    "Connection pool exhausted on auth-service": [
        (
            "Connection pool tuning for auth-service",
            "didnt_help",
            "Said to raise the pool; that made pgbouncer worse.",
        ),
        ("Database connection exhaustion", "helped", ""),
    ],
    "TLS certificate expired on api.example.com": [("TLS certificate renewal", "helped", "")],
    "Certificate renewal failed for internal CA": [
        ("Internal CA certificate rotation", "didnt_help", "No steps for a failed renewal job.")
    ],
    "Checkout returns 502 after payments-gateway deploy": [("Bad deploy rollback", "helped", "")],
    "Memory leak in checkout-api workers": [("High memory usage and OOM kills", "helped", "")],
    "Push notifications delayed by hours": [("Queue backlog in notifications", "helped", "")],
    "Queue backlog in order fulfilment": [
        ("Order fulfilment queue backlog", "partly", "Replay steps missing.")
    ],
    "Elasticsearch cluster red after disk full": [
        ("Elasticsearch disk full and read-only indices", "helped", "")
    ],
    "Kubernetes node pool scaling stuck": [("Kubernetes node pool scaling", "helped", "")],
    "DNS resolution failures inside the cluster": [("CoreDNS failures in the cluster", "helped", "")],
    "Duplicate charges on retried payments": [("Payments idempotency and double charges", "partly", "")],
    "Login failures for SSO customers": [
        ("SSO SAML certificate expiry", "didnt_help", "Metadata upload steps were wrong.")
    ],
    "Auth tokens rejected after key rotation": [("JWT signing key rotation", "helped", "")],
    "Primary database failover during maintenance": [("Primary database failover", "helped", "")],
    "Database migration locked the orders table": [("Long-running migration locks a table", "helped", "")],
    "Mobile BFF crash loop after config push": [("Mobile BFF crash loop", "helped", "")],
    "Webhook deliveries to merchants failing": [
        (None, "missing", "Needed a runbook for merchant webhook retries and TLS errors.")
    ],
    "Disk full on log shipping nodes": [("Disk full on log shipping nodes", "partly", "")],
}


def _body(purpose, issues, rollback, scale, failover):
    issue_sections = "\n".join(
        f"### {symptom}\n\n- **Diagnosis:** {diagnosis}\n- **Resolution:** {resolution}\n"
        for symptom, diagnosis, resolution in issues
    )
    return f"""## Service overview

**Purpose:** {purpose}

**Dependencies:** see the service catalogue entry.

**Impact when it fails:** customers notice errors or delays within minutes.

## Key metrics and dashboards

- Error rate and p99 latency on the service dashboard
- Saturation: CPU, memory, connections, queue depth

## Common issues

{issue_sections}
## Emergency procedures

### Rollback

```sh
{rollback}
```

### Scale

{scale}

### Fail over

{failover}

## Escalation

- Primary: the owning team's on-call rotation
- Secondary: Platform on-call
- Incident commander: #incident-command
"""


def seed(now=None):
    now = now or timezone.now()
    people = list(get_user_model().objects.filter(username__contains=".").order_by("username")[:10])
    services = {s.name: s for s in Service.objects.all()}
    created = 0
    runbooks = {}
    for index, (
        title,
        svc,
        tags,
        team,
        reviewed_ago,
        purpose,
        issues,
        rollback,
        scale,
        failover,
    ) in enumerate(RUNBOOKS):
        runbook = Runbook.objects.filter(title=title).first()
        if runbook is None:
            author = people[index % len(people)] if people else None
            runbook = Runbook(
                title=title, owner_team=team, body=_body(purpose, issues, rollback, scale, failover)
            )
            runbook.save_revision(author, note="Imported from the wiki")
            runbook.services.set([services[name] for name in svc if name in services])
            runbook.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
            if reviewed_ago is not None:
                runbook.mark_reviewed(author, now=now - timedelta(days=reviewed_ago))
            created += 1
        runbooks[title] = runbook
    created += _seed_usages(runbooks, people)
    rebuild_index()
    return created


def _seed_usages(runbooks, people):
    created = 0
    incidents = {i.title: i for i in Incident.objects.filter(title__in=USAGES)}
    for incident_title, usages in USAGES.items():
        incident = incidents.get(incident_title)
        if incident is None:
            continue
        for runbook_title, outcome, note in usages:
            runbook = runbooks.get(runbook_title)
            recorded_at = incident.resolved_at or incident.started_at
            if runbook is None:
                _, made = RunbookUsage.objects.get_or_create(
                    incident=incident,
                    runbook=None,
                    outcome=outcome,
                    defaults={"note": note, "recorded_by": incident.scribe, "recorded_at": recorded_at},
                )
            else:
                # Some "didn't help" reports postdate the last review, so the library shows runbooks needing updates.
                if outcome == "didnt_help":
                    recorded_at = max(
                        recorded_at, (runbook.last_reviewed_at or recorded_at) + timedelta(hours=1)
                    )
                _, made = RunbookUsage.objects.get_or_create(
                    incident=incident,
                    runbook=runbook,
                    defaults={
                        "outcome": outcome,
                        "note": note,
                        "recorded_by": incident.scribe,
                        "recorded_at": recorded_at,
                    },
                )
            created += made
            if runbook is not None and outcome == "didnt_help":
                created += _seed_update_action_item(incident, runbook)
    return created


def _seed_update_action_item(incident, runbook):
    """An open "update the runbook" action item on the incident's postmortem, pointing at the runbook."""
    from postmortems.models import ActionItem, Postmortem

    postmortem = Postmortem.objects.filter(incident=incident).first()
    if postmortem is None:
        return 0
    _, made = ActionItem.objects.get_or_create(
        postmortem=postmortem,
        title=f"Update the “{runbook.title}” runbook",
        defaults={
            "kind": ActionItem.Kind.DOCUMENTATION,
            "runbook": runbook,
            "team": runbook.owner_team,
            "owner": runbook.updated_by,
            "due_date": timezone.localdate() + timedelta(days=14),
            "description": "It didn't help during the incident: fix the steps that were wrong, then mark it reviewed.",
        },
    )
    return int(made)
