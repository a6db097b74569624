# The HTTP exporter with TLS and basic auth (Prometheus web-config style), for real with
# curl and Prometheus: 401 without or with wrong credentials, 200 with them; credentials
# never logged or printed.
. "$top_srcdir/t/lib.sh"
need curl curl
need openssl openssl
port=$(port_base)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2> /dev/null
ok $? "a self-signed certificate"
hash=$(openssl passwd -6 -salt vstopsalt 's3cret pass')
cat > "$TMP/vstop.conf" <<CONF
[http]
listen = 127.0.0.1:$port
tls_cert_file = $TMP/cert.pem
tls_key_file = $TMP/key.pem
basic_auth_user = prom
basic_auth_hash = $hash
CONF
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --source=sim:4 -d 0.3 2> "$TMP/log" &
vd=$!
trap 'kill $vd 2>/dev/null; rm -rf "$TMP"' EXIT
sleep 1.5
code() { curl -s -o /dev/null -w '%{http_code}' --cacert "$TMP/cert.pem" "$@"; }
is "$(code "https://127.0.0.1:$port/metrics")" 401 "TLS, no credentials: 401"
is "$(code -u prom:wrong "https://127.0.0.1:$port/metrics")" 401 "wrong password: 401"
is "$(code -u other:'s3cret pass' "https://127.0.0.1:$port/metrics")" 401 "wrong user: 401"
is "$(code -u prom:'s3cret pass' "https://127.0.0.1:$port/metrics")" 200 "right credentials over TLS: 200"
is "$(code -u prom:'s3cret pass' "https://127.0.0.1:$port/metrics")" 200 "again (cached check): 200"
curl -s -u prom:'s3cret pass' --cacert "$TMP/cert.pem" "https://127.0.0.1:$port/metrics" | grep -q '^vstop_host_domains 4$'
ok $? "the body is the metrics"
check "plain HTTP to the TLS port fails" sh -c "! curl -sf -o /dev/null http://127.0.0.1:$port/metrics"
check "the log holds no password or hash" sh -c "! grep -q -e 's3cret' -e 'vstopsalt' '$TMP/log'"
"$top_builddir/vstopd" -c "$TMP/vstop.conf" --print-config > "$TMP/printed"
check "--print-config masks the hash" sh -c "grep -qx 'basic_auth_hash = (set)' '$TMP/printed' && ! grep -q vstopsalt '$TMP/printed'"
if command -v prometheus > /dev/null; then
	pp=$((port + 1))
	printf '%s\n' 's3cret pass' > "$TMP/pw"
	cat > "$TMP/prom.yml" <<YML
global: { scrape_interval: 1s }
scrape_configs:
  - job_name: vstopd
    scheme: https
    tls_config: { ca_file: $TMP/cert.pem }
    basic_auth: { username: prom, password_file: $TMP/pw }
    static_configs: [{ targets: ['127.0.0.1:$port'] }]
YML
	prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" --web.listen-address=127.0.0.1:$pp --log.level=error 2> /dev/null &
	prom=$!
	trap 'kill $vd $prom 2>/dev/null; rm -rf "$TMP"' EXIT
	for _ in $(seq 50); do
		up=$(curl -s --get "http://127.0.0.1:$pp/api/v1/query" --data-urlencode 'query=up' | grep -o '"value":\[[^]]*"1"\]')
		[ -n "$up" ] && break; sleep 0.3
	done
	check "a real Prometheus scrapes over TLS with basic auth (up == 1)" test -n "$up"
fi
# Half a pair is a configuration error.
printf '[http]\ntls_cert_file = %s\n' "$TMP/cert.pem" > "$TMP/half.conf"
"$top_builddir/vstopd" -c "$TMP/half.conf" --source=sim -n 1 2> "$TMP/err"
check "tls_cert_file without tls_key_file: refused" grep -q 'go together' "$TMP/err"
printf '[http]\nbasic_auth_user = x\nbasic_auth_hash = plaintext\n' > "$TMP/bad.conf"
"$top_builddir/vstopd" -c "$TMP/bad.conf" --source=sim -n 1 2> "$TMP/err"
check "a plaintext 'hash': refused" grep -q 'must be a crypt(3)' "$TMP/err"
done_testing
