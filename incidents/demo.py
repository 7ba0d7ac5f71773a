"""Demo data for incidents: services, categories, people and ~40 incidents over the past year.

Deterministic (a seeded RNG, times relative to today) and idempotent (everything keyed by name/title).
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import EDITOR, RESPONDER, VIEWER

from .models import Category, Incident, Service, Status, TimelineEntry

DEMO_USERNAME, DEMO_PASSWORD = "demo", "hindsight-demo"
VIEWER_USERNAME, VIEWER_PASSWORD = "viewer", "hindsight-viewer"

SERVICES = [
    ("checkout-api", "Payments", 1, "Takes orders and payments from the web and mobile apps."),
    (
        "payments-gateway",
        "Payments",
        1,
        "Talks to card processors (Adyen, Stripe) and holds idempotency keys.",
    ),
    ("auth-service", "Identity", 1, "Login, sessions, OAuth tokens and SSO for every product."),
    ("search-api", "Discovery", 2, "Product search backed by Elasticsearch."),
    ("catalog-service", "Discovery", 2, "Product catalogue, prices and stock levels."),
    ("notifications", "Messaging", 2, "Email, SMS and push notifications, fed by a RabbitMQ queue."),
    ("orders-db", "Data Platform", 1, "The primary PostgreSQL cluster for orders and customers."),
    ("edge-proxy", "Platform", 1, "Nginx/Envoy edge, TLS termination and rate limiting."),
    ("k8s-platform", "Platform", 1, "The Kubernetes clusters every service runs on."),
    ("data-pipeline", "Data Platform", 3, "Nightly ETL into the warehouse and the analytics dashboards."),
    ("mobile-bff", "Mobile", 2, "Backend-for-frontend serving the iOS and Android apps."),
    ("billing-jobs", "Payments", 2, "Monthly invoicing, dunning and refunds batch jobs."),
]

CATEGORIES = [
    ("bad deploy", "A change shipped to production broke something."),
    ("capacity", "Load exceeded what the system was provisioned for."),
    ("dependency failure", "A third party or internal dependency failed."),
    ("config change", "A configuration or feature-flag change caused the problem."),
    ("certificate expiry", "A TLS certificate or credential expired."),
    ("database", "Database saturation, locks, replication or failover."),
    ("network", "DNS, load balancers, connectivity."),
    ("data corruption", "Wrong or lost data."),
    ("security", "A security event or vulnerability response."),
]

PEOPLE = [
    ("amara.okafor", "Amara", "Okafor"),
    ("ben.kowalski", "Ben", "Kowalski"),
    ("chen.wei", "Chen", "Wei"),
    ("diego.alvarez", "Diego", "Alvarez"),
    ("elif.demir", "Elif", "Demir"),
    ("farah.haddad", "Farah", "Haddad"),
    ("gus.lindqvist", "Gus", "Lindqvist"),
    ("hana.sato", "Hana", "Sato"),
    ("ivan.petrov", "Ivan", "Petrov"),
    ("jess.murphy", "Jess", "Murphy"),
]

# (title, severity, services, categories, detection source, summary, customer impact, timeline notes)
INCIDENTS = [
    (
        "Checkout returns 502 after payments-gateway deploy",
        1,
        ["checkout-api", "payments-gateway"],
        ["bad deploy"],
        "alert",
        "A new payments-gateway build shipped with a connection pool size of 5 instead of 50. Under evening load "
        "checkout requests queued and the edge returned 502s.",
        "About 38% of checkout attempts failed for 47 minutes.",
        [
            "Error rate alert on checkout-api 5xx > 5%",
            "Paged payments on-call",
            "Deploy 2024.11.3 identified as the change",
            "Rolled back payments-gateway to previous build",
            "5xx rate back under 0.1%",
        ],
    ),
    (
        "Login failures for SSO customers",
        2,
        ["auth-service"],
        ["certificate expiry"],
        "customer_report",
        "The SAML signing certificate for the enterprise SSO integration expired. Enterprise users could not log in.",
        "Enterprise SSO users (about 120 companies) could not log in for 2 hours.",
        [
            "Support escalated five tickets about SSO login loops",
            "Confirmed SAML assertion validation failing",
            "Found the signing certificate expired at 00:00 UTC",
            "Rotated certificate and uploaded new metadata",
            "SSO logins succeeding",
        ],
    ),
    (
        "Orders database connection exhaustion",
        1,
        ["orders-db", "checkout-api"],
        ["database", "capacity"],
        "alert",
        "A marketing campaign tripled traffic; pgbouncer hit max_client_conn and new connections were refused.",
        "Checkout and order history were unavailable for 22 minutes.",
        [
            "pgbouncer max_client_conn alert",
            "Checkout error rate climbing",
            "Raised pool size and restarted pgbouncer",
            "Connections recovering",
            "Traffic back to normal",
        ],
    ),
    (
        "Search results empty for some queries",
        3,
        ["search-api"],
        ["config change"],
        "internal",
        "An analyser change in the Elasticsearch index template dropped stemming for English.",
        "Searches with plural words returned no results for about 4 hours.",
        [
            "Merchandising team reported empty results for 'shoes'",
            "Reproduced with plural queries",
            "Reverted index template",
            "Reindex finished",
        ],
    ),
    (
        "Push notifications delayed by hours",
        3,
        ["notifications"],
        ["capacity"],
        "customer_report",
        "The notifications consumer fell behind after a dependency slowed down; the RabbitMQ queue grew to 2M messages.",
        "Order-shipped push notifications arrived up to 3 hours late.",
        [
            "Customers reported late shipping notifications",
            "Queue depth at 2.1M",
            "Scaled consumers from 4 to 16",
            "Backlog drained",
        ],
    ),
    (
        "TLS certificate expired on api.example.com",
        1,
        ["edge-proxy"],
        ["certificate expiry"],
        "customer_report",
        "The wildcard certificate on the edge expired because the renewal job had been failing silently for 3 weeks.",
        "All API clients failed TLS handshakes for 34 minutes; the mobile apps were unusable.",
        [
            "Mobile app reviews mention 'cannot connect'",
            "Certificate expiry confirmed",
            "Manually issued and deployed new certificate",
            "Handshakes succeeding",
            "Renewal job fixed and alerting added",
        ],
    ),
    (
        "Kubernetes node pool scaling stuck",
        2,
        ["k8s-platform"],
        ["capacity", "dependency failure"],
        "alert",
        "The cloud provider's API rate-limited the cluster autoscaler; pending pods piled up during the morning peak.",
        "Slow responses across several services for 40 minutes.",
        [
            "Pending pods alert",
            "Autoscaler logs show 429 from cloud API",
            "Manually scaled node pool",
            "Pods scheduled",
        ],
    ),
    (
        "Duplicate charges on retried payments",
        1,
        ["payments-gateway", "billing-jobs"],
        ["bad deploy", "data corruption"],
        "customer_report",
        "A refactor dropped the idempotency key on retries to the card processor; timeouts led to double charges.",
        "312 customers were charged twice; all refunded within 24 hours.",
        [
            "Support reports double charges",
            "Confirmed missing idempotency key in retry path",
            "Disabled automatic retries",
            "Hotfix deployed with idempotency key restored",
            "Refunds issued",
        ],
    ),
    (
        "Nightly ETL missed its window",
        4,
        ["data-pipeline"],
        ["capacity"],
        "internal",
        "The warehouse load ran 5 hours late after a table grew past the planner's memory setting.",
        "Morning dashboards showed yesterday's numbers until 11:00.",
        [
            "Analytics team asks about stale dashboards",
            "Found ETL stuck on a sort spilling to disk",
            "Raised work_mem for the job",
            "Load finished",
        ],
    ),
    (
        "Mobile app home screen slow",
        3,
        ["mobile-bff", "catalog-service"],
        ["bad deploy"],
        "synthetic",
        "A new recommendations call was made serially for each tile, adding 2 seconds to the home screen.",
        "Home screen p95 load time went from 800 ms to 3 s for 6 hours.",
        [
            "Synthetic check p95 over threshold",
            "Traced to serial recommendation calls",
            "Feature flag turned off",
            "Latency normal",
        ],
    ),
    (
        "DNS resolution failures inside the cluster",
        2,
        ["k8s-platform", "edge-proxy"],
        ["network"],
        "alert",
        "CoreDNS pods were OOM-killed after a config change raised the cache size.",
        "Intermittent 5xx on most services for 25 minutes.",
        [
            "Spike in 'no such host' errors",
            "CoreDNS pods restarting",
            "Reverted CoreDNS config",
            "Errors stopped",
        ],
    ),
    (
        "Refund job processed refunds twice",
        2,
        ["billing-jobs"],
        ["bad deploy", "data corruption"],
        "internal",
        "The refund batch job was scheduled twice after a cron migration.",
        "47 refunds were paid twice.",
        [
            "Finance noticed duplicate refunds in reconciliation",
            "Found two cron schedules",
            "Removed duplicate schedule",
            "Recovered overpayments",
        ],
    ),
    (
        "Catalog prices stale after cache outage",
        3,
        ["catalog-service"],
        ["dependency failure"],
        "customer_report",
        "The Redis cache lost its data on failover and the warm-up job served prices from a stale snapshot.",
        "Some products showed old prices for 90 minutes.",
        [
            "Customer reported wrong price",
            "Found cache warmed from stale snapshot",
            "Flushed cache and re-warmed from database",
            "Prices correct",
        ],
    ),
    (
        "Auth tokens rejected after key rotation",
        2,
        ["auth-service", "mobile-bff"],
        ["config change"],
        "alert",
        "The JWKS endpoint was cached for 24 h by the mobile BFF; after key rotation new tokens failed validation.",
        "Mobile users were logged out repeatedly for 50 minutes.",
        [
            "401 rate alert on mobile-bff",
            "New signing key not in BFF cache",
            "Forced JWKS refresh",
            "401s back to baseline",
        ],
    ),
    (
        "Elasticsearch cluster red after disk full",
        2,
        ["search-api"],
        ["capacity"],
        "alert",
        "Two data nodes crossed the flood-stage watermark; indices went read-only.",
        "Search was degraded for 1 hour; new products did not appear.",
        [
            "Cluster health red",
            "Disk at 95% on two nodes",
            "Deleted old snapshots and raised disk",
            "Cleared read-only block",
            "Cluster green",
        ],
    ),
    (
        "Email provider outage delays password resets",
        3,
        ["notifications", "auth-service"],
        ["dependency failure"],
        "customer_report",
        "Our email provider had a regional outage; password reset emails were queued.",
        "Password reset emails delayed up to 2 hours.",
        [
            "Customers cannot reset passwords",
            "Provider status page confirms outage",
            "Switched to secondary provider",
            "Queue drained",
        ],
    ),
    (
        "Primary database failover during maintenance",
        1,
        ["orders-db"],
        ["database"],
        "alert",
        "A planned minor-version upgrade triggered an unplanned failover; the replica was 40 s behind.",
        "Writes failed for 6 minutes; 14 orders had to be replayed.",
        [
            "Replication lag alert",
            "Primary unreachable",
            "Failover to replica completed",
            "Replayed 14 orders from the queue",
        ],
    ),
    (
        "Rate limiter blocked a large customer",
        3,
        ["edge-proxy"],
        ["config change"],
        "customer_report",
        "A new global rate limit did not exempt partner API keys.",
        "One partner's integration failed for 3 hours.",
        [
            "Partner escalated 429 errors",
            "Found partner keys not exempt",
            "Added exemption",
            "Partner confirmed recovery",
        ],
    ),
    (
        "Memory leak in checkout-api workers",
        3,
        ["checkout-api"],
        ["bad deploy"],
        "alert",
        "A request-scoped cache was attached to a module-level object and grew until OOM kills.",
        "Brief error bursts every 40 minutes for a day.",
        ["Pods OOM-killed repeatedly", "Heap profile shows growing cache", "Rolled back", "Memory flat"],
    ),
    (
        "Dashboard shows wrong revenue numbers",
        4,
        ["data-pipeline"],
        ["data corruption"],
        "internal",
        "A currency conversion table was loaded without the latest rates.",
        "Internal revenue dashboard off by 3% for 2 days.",
        ["Finance flagged mismatch", "Found missing currency rates", "Reloaded rates and recomputed"],
    ),
    (
        "Spike of failed logins from credential stuffing",
        2,
        ["auth-service", "edge-proxy"],
        ["security"],
        "alert",
        "A credential-stuffing attack from a botnet raised login attempts 40x.",
        "Legitimate logins slowed; 9 accounts locked as a precaution.",
        [
            "Login attempt rate alert",
            "Attack pattern confirmed",
            "Enabled bot challenge on login",
            "Attempts dropped",
        ],
    ),
    (
        "Queue backlog in order fulfilment",
        2,
        ["notifications", "checkout-api"],
        ["capacity"],
        "alert",
        "Black Friday volume exceeded consumer throughput; fulfilment events lagged 45 minutes.",
        "Order confirmations delayed up to 45 minutes.",
        ["Queue depth alert", "Scaled consumers", "Backlog draining", "Lag under 1 minute"],
    ),
    (
        "Image CDN misconfiguration broke product images",
        3,
        ["catalog-service", "edge-proxy"],
        ["config change"],
        "synthetic",
        "A CDN rule change stripped the auth header for the image origin.",
        "Product images missing for 70 minutes.",
        ["Synthetic check image 403", "CDN rule change identified", "Reverted CDN rule", "Images loading"],
    ),
    (
        "Database migration locked the orders table",
        1,
        ["orders-db", "checkout-api"],
        ["bad deploy", "database"],
        "alert",
        "An ALTER TABLE without a lock timeout waited behind a long transaction and blocked all writes.",
        "Checkout failed for 11 minutes.",
        ["Checkout latency alert", "Lock waits on orders table", "Cancelled the migration", "Writes flowing"],
    ),
    (
        "Push certificate expired for iOS",
        3,
        ["notifications", "mobile-bff"],
        ["certificate expiry"],
        "customer_report",
        "The APNs certificate expired; iOS push notifications silently failed.",
        "No iOS push notifications for 2 days.",
        [
            "App Store reviews mention no notifications",
            "APNs rejects with expired certificate",
            "Renewed APNs certificate",
            "Push working",
        ],
    ),
    (
        "Kubernetes control plane upgrade broke ingress",
        2,
        ["k8s-platform", "edge-proxy"],
        ["bad deploy", "network"],
        "alert",
        "An ingress controller incompatible with the new API version stopped updating routes.",
        "New deployments were unreachable for 35 minutes.",
        [
            "Ingress sync errors",
            "Version incompatibility found",
            "Upgraded ingress controller",
            "Routes synced",
        ],
    ),
    (
        "Billing invoices sent with wrong tax",
        2,
        ["billing-jobs"],
        ["config change", "data corruption"],
        "customer_report",
        "A tax-rate configuration for a new region was applied to all EU customers.",
        "1,900 invoices reissued.",
        ["Customers query VAT amounts", "Wrong tax config found", "Corrected config and reissued invoices"],
    ),
    (
        "Search latency spike during reindex",
        4,
        ["search-api"],
        ["capacity"],
        "synthetic",
        "A full reindex ran during business hours and competed for I/O.",
        "Search p95 at 1.5 s for 30 minutes.",
        ["Synthetic latency check failing", "Reindex job found running", "Throttled reindex"],
    ),
    (
        "Third-party fraud check timeouts",
        2,
        ["payments-gateway"],
        ["dependency failure"],
        "alert",
        "The fraud-scoring vendor's latency rose to 8 s; our 10 s timeout held checkout threads.",
        "Checkout slow and 12% failed for 30 minutes.",
        [
            "Checkout latency alert",
            "Vendor latency at 8s",
            "Switched fraud check to async fallback",
            "Checkout normal",
        ],
    ),
    (
        "Orders replica lag broke order history",
        3,
        ["orders-db"],
        ["database"],
        "customer_report",
        "A long analytical query on the replica delayed replay; order history showed missing recent orders.",
        "Recent orders missing from history pages for 1 hour.",
        [
            "Customers report missing orders",
            "Replica lag 25 minutes",
            "Killed analytical query",
            "Lag recovered",
        ],
    ),
    (
        "Mobile BFF crash loop after config push",
        2,
        ["mobile-bff"],
        ["config change"],
        "alert",
        "A malformed YAML config made the BFF fail at start-up; the rollout continued because readiness checks passed.",
        "The mobile app could not load for 18 minutes.",
        ["Crash loop alert", "Config parse error in logs", "Reverted config", "Pods healthy"],
    ),
    (
        "Disk full on log shipping nodes",
        4,
        ["k8s-platform"],
        ["capacity"],
        "alert",
        "Log shippers buffered to disk while the log cluster was slow and filled the node disks.",
        "Logs delayed by 2 hours; no customer impact.",
        ["Disk usage alert", "Log buffer on disk", "Pruned buffers and increased disk"],
    ),
    (
        "Connection pool exhausted on auth-service",
        2,
        ["auth-service", "orders-db"],
        ["database", "capacity"],
        "alert",
        "A slow query introduced in a release held connections; the pool ran dry at peak.",
        "Logins failed intermittently for 28 minutes.",
        ["Auth error rate alert", "Pool at max connections", "Rolled back release", "Pool usage normal"],
    ),
    (
        "Webhook deliveries to merchants failing",
        3,
        ["notifications"],
        ["network"],
        "customer_report",
        "An egress firewall change blocked the new NAT gateway IPs.",
        "Merchant webhooks failed for 3 hours.",
        [
            "Merchants report missing webhooks",
            "Egress blocked",
            "Firewall rule corrected",
            "Retries delivered",
        ],
    ),
    (
        "Certificate renewal failed for internal CA",
        3,
        ["k8s-platform"],
        ["certificate expiry"],
        "alert",
        "cert-manager could not renew internal certificates after the CA issuer secret was rotated.",
        "Service-to-service calls failed in staging; production close to expiry.",
        [
            "cert-manager renewal failure alert",
            "Issuer secret mismatch",
            "Updated issuer secret",
            "Certificates renewed",
        ],
    ),
    (
        "Checkout 500s for gift card payments",
        3,
        ["checkout-api", "payments-gateway"],
        ["bad deploy"],
        "customer_report",
        "A validation change rejected gift cards with leading zeros.",
        "Gift card payments failed for 5 hours.",
        ["Support reports gift card failures", "Validation regex identified", "Hotfix deployed"],
    ),
    (
        "Orders database CPU saturation",
        2,
        ["orders-db"],
        ["database", "capacity"],
        "alert",
        "A missing index on a new report query caused sequential scans under load.",
        "Checkout latency tripled for 45 minutes.",
        [
            "CPU alert on primary",
            "Top query is the new report",
            "Disabled report endpoint",
            "Created index concurrently",
        ],
    ),
    (
        "Edge proxy memory pressure after traffic surge",
        1,
        ["edge-proxy", "checkout-api"],
        ["capacity"],
        "alert",
        "A TV advertisement drove a 6x traffic spike; edge proxies hit memory limits and dropped connections.",
        "Site unavailable for many users for 14 minutes.",
        ["Edge 5xx alert", "Proxies OOM", "Scaled edge horizontally", "Traffic served"],
    ),
    (
        "Checkout latency after feature flag rollout",
        2,
        ["checkout-api"],
        ["config change"],
        "alert",
        "Enabling a new address validation flag added a synchronous external call.",
        "Checkout p95 rose to 4 s for 35 minutes.",
        ["Latency alert", "Flag rollout correlated", "Flag disabled", "Latency normal"],
    ),
    (
        "Payments gateway degraded: processor partial outage",
        1,
        ["payments-gateway", "checkout-api"],
        ["dependency failure"],
        "alert",
        "Our primary card processor is returning intermittent timeouts in the EU region.",
        "Roughly 20% of EU card payments failing.",
        ["Processor timeout alert", "Processor confirms partial outage"],
    ),
    (
        "Elevated 5xx on search-api",
        3,
        ["search-api"],
        ["capacity"],
        "alert",
        "A hot shard on the products index is causing timeouts for some queries.",
        "About 3% of searches return errors.",
        ["5xx alert on search-api"],
    ),
]


def ensure_people():
    User = get_user_model()
    groups = {name: Group.objects.get(name=name) for name in (VIEWER, RESPONDER, EDITOR)}
    demo, created = User.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={
            "first_name": "Demo",
            "last_name": "User",
            "email": "demo@example.com",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        demo.set_password(DEMO_PASSWORD)
        demo.save()
    demo.groups.add(groups[EDITOR])
    viewer, created = User.objects.get_or_create(
        username=VIEWER_USERNAME, defaults={"first_name": "Vera", "last_name": "Viewer"}
    )
    if created:
        viewer.set_password(VIEWER_PASSWORD)
        viewer.save()
    viewer.groups.add(groups[VIEWER])
    people = []
    for i, (username, first, last) in enumerate(PEOPLE):
        person, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"},
        )
        if created:
            person.set_unusable_password()
            person.save()
        person.groups.add(groups[EDITOR if i % 3 else RESPONDER])
        people.append(person)
    return demo, people


def seed(now=None):
    """Create the demo incidents world. Returns how many incidents were created this time."""
    now = now or timezone.now()
    rng = random.Random(2026)
    demo, people = ensure_people()
    services = {}
    for name, team, tier, description in SERVICES:
        services[name], _ = Service.objects.get_or_create(
            name=name, defaults={"team": team, "tier": tier, "description": description}
        )
    categories = {}
    for name, description in CATEGORIES:
        categories[name], _ = Category.objects.get_or_create(name=name, defaults={"description": description})

    created_count = 0
    total = len(INCIDENTS)
    for index, (title, severity, svc, cats, source, summary, impact, notes) in enumerate(INCIDENTS):
        if Incident.objects.filter(title=title).exists():
            continue
        is_open = index >= total - 2
        # Spread over the past year, oldest first; the last two are happening now.
        started = (
            now - timedelta(hours=rng.randint(1, 3))
            if is_open
            else now
            - timedelta(days=int(360 * (total - index) / total) + rng.randint(0, 5), hours=rng.randint(0, 23))
        )
        detect = timedelta(
            minutes=rng.choice([1, 2, 3, 5, 8, 12, 25, 40, 90]) if source != "alert" else rng.randint(1, 6)
        )
        ack = timedelta(minutes=rng.choice([2, 4, 6, 9, 14, 20, 35]))
        mitigate = detect + ack + timedelta(minutes=rng.randint(10, 120))
        resolve = mitigate + timedelta(minutes=rng.randint(5, 240))
        commander, tech, comms, scribe = rng.sample(people, 4)
        incident = Incident(
            title=title,
            severity=severity,
            detection_source=source,
            summary=summary,
            customer_impact=impact,
            started_at=started,
            detected_at=started + detect,
            commander=commander,
            tech_lead=tech,
            comms_lead=comms,
            scribe=scribe,
            created_by=commander,
        )
        if is_open:
            incident.status = Status.INVESTIGATING if index == total - 1 else Status.IDENTIFIED
            incident.acknowledged_at = min(now, started + detect + ack) if index == total - 2 else None
        else:
            incident.status = Status.RESOLVED
            incident.acknowledged_at = started + detect + ack
            incident.mitigated_at = started + mitigate
            incident.resolved_at = started + resolve
        incident.save()
        incident.services.set([services[s] for s in svc])
        incident.categories.set([categories[c] for c in cats])
        incident.smes.set(rng.sample(people, 2))
        _seed_timeline(incident, notes, people, rng, now)
        created_count += 1
    return created_count


def _seed_timeline(incident, notes, people, rng, now):
    end = incident.resolved_at or now
    span = (end - incident.detected_at) / max(len(notes), 1)
    kinds = [
        TimelineEntry.Kind.OBSERVATION,
        TimelineEntry.Kind.ACTION,
        TimelineEntry.Kind.DECISION,
        TimelineEntry.Kind.ACTION,
        TimelineEntry.Kind.OBSERVATION,
    ]
    entries = [
        TimelineEntry(
            incident=incident,
            occurred_at=incident.detected_at + span * i,
            kind=kinds[i % len(kinds)],
            text=note,
            author=incident.scribe or rng.choice(people),
        )
        for i, note in enumerate(notes)
    ]
    entries.insert(
        0,
        TimelineEntry(
            incident=incident,
            occurred_at=incident.detected_at,
            kind=TimelineEntry.Kind.STATUS_CHANGE,
            text=f"Incident declared as {incident.get_severity_display()}.",
            author=incident.commander,
        ),
    )
    if incident.resolved_at:
        entries.append(
            TimelineEntry(
                incident=incident,
                occurred_at=incident.resolved_at,
                kind=TimelineEntry.Kind.STATUS_CHANGE,
                text="Status changed to Resolved.",
                author=incident.commander,
            )
        )
    TimelineEntry.objects.bulk_create(entries)
