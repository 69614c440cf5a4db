#!/usr/bin/env bash
# The end-to-end checks on a live cluster where the e2e stack (Pulumi.e2e.yaml) is up; run by
# .github/workflows/e2e.yml. Needs kubectl (current context: the cluster), curl and jq.
#   bash e2e/check.sh                  every check on the running mesh
#   bash e2e/check.sh crds-retained    after `pulumi destroy`: Istio's CRDs are still there
set -euo pipefail

MESH_NS=shop                 # meshstack:demo.namespace
ISTIO_NS=istio-system
EGRESS_NS=istio-egress       # meshstack:istio.egressGateway.namespace
ALLOWED_HOST=example.com     # on meshstack:mesh.egress
BLOCKED_HOST=example.org     # not on it
REQUESTS=300                 # canary sample
CANARY_PERCENT=10            # meshstack:services[helloworld].weights.v2
TOLERANCE_PERCENT=6          # about 3.5 standard deviations of the binomial at 300 requests

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
client() { kubectl exec -n "$MESH_NS" deploy/helloworld-client -c client -- "$@"; }

wait_for_mesh() {
  kubectl rollout status -n "$ISTIO_NS" deploy/istiod --timeout=300s
  kubectl rollout status -n "$EGRESS_NS" deploy/istio-egressgateway --timeout=300s
  kubectl rollout status -n "$ISTIO_NS" deploy/kiali --timeout=300s
  kubectl rollout status -n "$ISTIO_NS" deploy/prometheus --timeout=300s
  for deployment in helloworld-v1 helloworld-v2 helloworld-client; do
    kubectl rollout status -n "$MESH_NS" "deploy/$deployment" --timeout=300s
  done
  pass "the mesh and the demo are up"
}

# STRICT mTLS: a pod outside the mesh opens a TCP connection to the sidecar, which resets it (no client
# certificate): curl exits 56 (connection reset) or 52 (empty reply). A timeout (28) would mean a
# network policy or a routing fault, not mTLS, and fails the check.
check_strict_mtls() {
  kubectl create namespace e2e-outside --dry-run=client -o yaml | kubectl apply -f -
  kubectl run outside -n e2e-outside --image=docker.io/curlimages/curl:8.11.1 --restart=Never \
    --dry-run=client -o yaml --command -- sleep 3600 | kubectl apply -f -
  kubectl wait -n e2e-outside pod/outside --for=condition=Ready --timeout=120s
  local code=0
  kubectl exec -n e2e-outside outside -- curl -sS --max-time 10 -o /dev/null "http://helloworld.$MESH_NS:5000/hello" || code=$?
  [[ $code == 56 || $code == 52 ]] || fail "a pod outside the mesh reached helloworld or failed otherwise (curl exit $code, expected 56 or 52)"
  client curl -sS --max-time 10 -o /dev/null "http://helloworld.$MESH_NS:5000/hello" || fail "the meshed client cannot reach helloworld"
  pass "STRICT mTLS: plain text from outside the mesh is refused (curl exit $code), the meshed client gets through"
}

# TCP connections the egress gateway opened towards the allowlisted host: Istio's standard metric,
# which every proxy records (Envoy's own per-cluster stats are off by default), summed over its series.
egress_connections() {
  kubectl exec -n "$EGRESS_NS" deploy/istio-egressgateway -- pilot-agent request GET stats/prometheus \
    | awk -v host="destination_service=\"$ALLOWED_HOST\"" \
      '/^istio_tcp_connections_opened_total\{/ && index($0, host) { total += $NF } END { print total + 0 }'
}

# Egress: the allowlisted host answers, through the egress gateway (its upstream connections to the host
# grow); a host not on the list is refused (REGISTRY_ONLY).
check_egress() {
  local before after
  before=$(egress_connections)
  client curl -sS --max-time 15 -o /dev/null "https://$ALLOWED_HOST/" || fail "the meshed client cannot reach $ALLOWED_HOST"
  after=$(egress_connections)
  (( after > before )) || fail "$ALLOWED_HOST was reached, but not through the egress gateway ($before → $after upstream connections)"
  if client curl -sS --max-time 15 -o /dev/null "https://$BLOCKED_HOST/"; then
    fail "$BLOCKED_HOST is not on the allowlist but the meshed client reached it"
  fi
  pass "egress: $ALLOWED_HOST through the egress gateway ($before → $after connections), $BLOCKED_HOST refused"
}

# The canary: the share of v2 answers within the tolerance of the configured weight.
check_canary() {
  local answers v2 share
  answers=$(client sh -c "for i in \$(seq $REQUESTS); do curl -s --max-time 5 http://helloworld.$MESH_NS:5000/hello; done")
  v2=$(grep -c "version: v2" <<<"$answers" || true)
  (( $(grep -c "version: v" <<<"$answers") == REQUESTS )) || fail "not every canary request was answered"
  share=$(( v2 * 100 / REQUESTS ))
  (( share >= CANARY_PERCENT - TOLERANCE_PERCENT && share <= CANARY_PERCENT + TOLERANCE_PERCENT )) \
    || fail "v2 answered $v2 of $REQUESTS ($share %), outside ${CANARY_PERCENT} ± ${TOLERANCE_PERCENT} %"
  pass "canary: v2 answered $v2 of $REQUESTS requests ($share %)"
}

# Kiali's graph of the demo namespace has edges: Prometheus scrapes the proxies and Kiali reads it.
check_kiali_graph() {
  kubectl port-forward -n "$ISTIO_NS" svc/kiali 20001:20001 >/dev/null 2>&1 &
  local edges=0
  forward=$!
  # EXIT, not RETURN: `fail` exits the script from inside this function.
  trap 'kill "$forward" 2>/dev/null || true' EXIT
  for _ in $(seq 20); do
    sleep 10
    edges=$(curl -s "http://localhost:20001/kiali/api/namespaces/graph?namespaces=$MESH_NS&graphType=versionedApp&duration=300s" \
      | jq '.elements.edges | length' 2>/dev/null || echo 0)
    (( edges > 0 )) && break
  done
  (( edges > 0 )) || fail "Kiali's graph of $MESH_NS has no edges after 200 s"
  pass "Kiali: the graph of $MESH_NS has $edges edges"
}

# After `pulumi destroy`: the CRDs are retained (retainOnDelete), so no Istio object was cascaded away.
check_crds_retained() {
  local crd
  for crd in virtualservices.networking.istio.io destinationrules.networking.istio.io peerauthentications.security.istio.io; do
    kubectl get crd "$crd" >/dev/null || fail "CRD $crd was deleted with the stack"
  done
  pass "Istio's CRDs outlived pulumi destroy"
}

case "${1:-all}" in
  all)
    wait_for_mesh
    check_strict_mtls
    check_egress
    check_canary
    check_kiali_graph
    ;;
  crds-retained) check_crds_retained ;;
  *) fail "unknown check '$1' (all, crds-retained)" ;;
esac
