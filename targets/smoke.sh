#!/usr/bin/env bash
# Boot one target by hand, the way the harness does (CONTRACT.md section 2), and run the
# smoke probes of smoke_check.py against it.
#
#   targets/smoke.sh targets/flask-reference [--keep]
#
# - makes a throw-away CA, a server certificate for localhost and 127.0.0.1, and a
#   users.json whose passwords hold ':', spaces and non-ASCII characters;
# - builds the target's Dockerfile with the build context of its target.yaml
#   (`boot: { dockerfile: ., context: .. }`: both relative to the target folder);
# - runs it read-only, without capabilities, as nobody, ports on 127.0.0.1 only;
# - compares the failures seen with `expect.fails` of its target.yaml.
# The container is always removed (--keep: left running, printed, for poking with curl).
set -euo pipefail

dir=$(cd "${1:?usage: smoke.sh TARGET_FOLDER [--keep]}" && pwd)
keep=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$dir")
image="baip-smoke/$name:dev"
container="baip-smoke-$name-$$"
work=$(mktemp -d)
network=""

cleanup() {
  if [[ "$keep" != "--keep" ]]; then
    docker rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# --- PKI and identities ------------------------------------------------------------
mkdir -p "$work/conformance/tls"
(
  cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -subj /CN=baip-smoke-ca -days 1 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout conformance/tls/key.pem \
    -out server.csr -subj /CN=localhost 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext.cnf
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out conformance/tls/cert.pem \
    -days 1 -extfile ext.cnf 2>/dev/null
)
cat >"$work/conformance/users.json" <<'EOF'
{"users": [
  {"username": "alice-1", "password": "pa:ss wörd", "role": "user", "email": "alice@example.com", "display_name": "Alice"},
  {"username": "bob_2", "password": "hunter2 ✓:", "role": "user", "email": "bob@example.org", "display_name": "Bob B."},
  {"username": "carol", "password": "Ünïcödé pass", "role": "user", "email": "carol@example.net", "display_name": "Carol"},
  {"username": "admin-x", "password": ":adm in:pässwörd", "role": "admin", "email": "admin@example.net", "display_name": "Admin"}
]}
EOF
# The container runs as nobody: the key must be readable by it (the mount is read-only).
chmod -R a+rX "$work/conformance"

# --- build ---------------------------------------------------------------------------
context_rel=$(sed -n 's/^boot:.*context: *\([^ ,}]*\).*/\1/p' "$dir/target.yaml" | head -1)
context=$(cd "$dir/${context_rel:-.}" && pwd)
echo "smoke: building $name (context $context)"
if ! docker build -q -f "$dir/Dockerfile" -t "$image" "$context" >"$work/build.log" 2>&1; then
  cat "$work/build.log"; exit 1
fi

# --- run -----------------------------------------------------------------------------
plain_port=$(sed -n 's/^plaintext: *{ *port: *\([0-9]*\) *}.*/\1/p' "$dir/target.yaml")
publish=(-p 127.0.0.1::8443)
[[ -n "$plain_port" ]] && publish+=(-p "127.0.0.1::$plain_port")
# Some engines have lost their default bridge (docker0); use a labelled network then.
if ! docker network inspect bridge -f '{{.Options}}' >/dev/null 2>&1 || ! ip link show docker0 >/dev/null 2>&1; then
  network=baip-smoke
  docker network inspect "$network" >/dev/null 2>&1 || docker network create --label baip.smoke=1 "$network" >/dev/null
fi
docker run -d --name "$container" --label baip.smoke=1 ${network:+--network "$network"} \
  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges --user 65534:65534 \
  -v "$work/conformance:/run/conformance:ro" "${publish[@]}" "$image" >/dev/null
tls_port=$(docker port "$container" 8443/tcp | head -1 | sed 's/.*://')
plain_url=""
if [[ -n "$plain_port" ]]; then
  plain_url="http://127.0.0.1:$(docker port "$container" "$plain_port/tcp" | head -1 | sed 's/.*://')"
fi

# Ready: a TLS handshake and any HTTP answer (CONTRACT.md section 2).
for _ in $(seq 1 100); do
  if curl -s -o /dev/null --cacert "$work/ca.pem" "https://127.0.0.1:$tls_port/"; then break; fi
  if [[ "$(docker inspect -f '{{.State.Running}}' "$container")" != "true" ]]; then
    echo "smoke: $name exited during boot:"; docker logs "$container" 2>&1 | tail -20; exit 1
  fi
  sleep 0.2
done

# --- probe ---------------------------------------------------------------------------
expect=$(sed -n 's/^ *fails: *\[\(.*\)\].*/\1/p' "$dir/target.yaml" | tr -d ' ')
args=(--tls "https://127.0.0.1:$tls_port" --ca "$work/ca.pem" --users "$work/conformance/users.json" --expect "$expect")
[[ -n "$plain_url" ]] && args+=(--plain "$plain_url")
status=0
if command -v python3 >/dev/null; then
  python3 "$here/smoke_check.py" "${args[@]}" || status=$?
else # no Python on the host: run the probes from the base image, on the host network
  docker run --rm --network host -v "$here:/smoke:ro" -v "$work:$work:ro" \
    "${BASE_IMAGE:-localhost/baip-base:bookworm-flask-v1}" python3 /smoke/smoke_check.py "${args[@]}" || status=$?
fi
if [[ "$keep" == "--keep" ]]; then
  echo "smoke: kept $container: https://127.0.0.1:$tls_port ${plain_url} (CA $work/ca.pem, users $work/conformance/users.json)"
fi
exit "$status"
