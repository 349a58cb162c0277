#!/usr/bin/env python3
"""Alert detection latency driver (used by alert.sh): runs a webhook receiver on 127.0.0.1:HOOK_PORT and, per
trial, remote-writes one breaching sample bar_gauge{trial="..."} = 200 (a new series each time) to WRITE_URL;
latency = webhook arrival of that trial's firing alert - the 2xx of the write. Prints p50/p90/p99/max as JSON.
usage: alert_driver.py WRITE_URL HOOK_PORT TRIALS WARMUP"""
import http.server, json, random, struct, sys, threading, time, urllib.request

write_url, hook_port, trials, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
arrived, cond = {}, threading.Condition()


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        now = time.monotonic()
        body = json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0))) or b'{}')
        with cond:
            for a in body.get('alerts', []):
                t = a.get('labels', {}).get('trial')
                if t and a.get('status') == 'firing' and t not in arrived:
                    arrived[t] = now
            cond.notify_all()
        self.send_response(200); self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(('127.0.0.1', hook_port), Hook)
threading.Thread(target=srv.serve_forever, daemon=True).start()


def varint(n):
    b = bytearray()
    while True:
        x = n & 0x7f; n >>= 7
        b.append(x | (0x80 if n else 0))
        if not n:
            return bytes(b)


def field(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def body(trial, ts_ms):
    label = lambda k, v: field(1, k.encode()) + field(2, v.encode())
    sample = b'\x09' + struct.pack('<d', 200.0) + b'\x10' + varint(ts_ms)
    msg = field(1, field(1, label('__name__', 'bar_gauge')) + field(1, label('trial', trial)) + field(2, sample))
    out = bytearray(varint(len(msg)))
    for i in range(0, len(msg), 60):  # snappy: literal elements of <= 60 bytes
        chunk = msg[i:i + 60]
        out.append((len(chunk) - 1) << 2); out += chunk
    return bytes(out)


rnd = random.Random(7)
run = '%x' % int(time.time())
lat, missed = [], 0
for i in range(warmup + trials):
    trial = '%s-%d' % (run, i)
    req = urllib.request.Request(write_url, data=body(trial, int(time.time() * 1000)), method='POST', headers={
        'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy',
        'X-Prometheus-Remote-Write-Version': '0.1.0'})
    with urllib.request.urlopen(req, timeout=10) as r:
        r.read()
        t0 = time.monotonic()
        if r.status // 100 != 2:
            raise SystemExit('write returned %d' % r.status)
    with cond:
        cond.wait_for(lambda: trial in arrived, timeout=15)
        got = arrived.get(trial)
    if i >= warmup:
        if got is None:
            missed += 1
        else:
            lat.append(got - t0)
    time.sleep(rnd.uniform(0.0, 1.0))  # de-phase from the 1 s evaluation tick (uniform over one interval)

lat.sort()
pct = lambda q: lat[min(len(lat) - 1, max(0, int(-(-q * len(lat) // 1)) - 1))] if lat else float('nan')
print(json.dumps({'trials': len(lat), 'missed': missed, 'p50_s': pct(0.5), 'p90_s': pct(0.9), 'p99_s': pct(0.99),
                  'max_s': lat[-1] if lat else None, 'min_s': lat[0] if lat else None}))
srv.shutdown()
