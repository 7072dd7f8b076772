"""An OTLP/HTTP receiver on loopback for the smoke-otel tests.

Accepts POST /v1/traces and /v1/metrics with protobuf bodies, decodes them with the
OpenTelemetry project's bindings (opentelemetry-proto), and writes each request as JSON
(google.protobuf.json_format.MessageToDict) to the output directory: traces-N.json,
metrics-N.json. Prints "listening PORT" once it accepts connections.

Usage: python otlp_receiver.py OUTPUT_DIR
"""

import itertools
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

ROUTES = {
    "/v1/traces": ("traces", ExportTraceServiceRequest, ExportTraceServiceResponse),
    "/v1/metrics": ("metrics", ExportMetricsServiceRequest, ExportMetricsServiceResponse),
}

OUT = sys.argv[1]
COUNTER = itertools.count(1)
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        route = ROUTES.get(self.path)
        if route is None:
            self.send_error(404, "no such OTLP route")
            return
        kind, request_type, response_type = route
        content_type = self.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip() != "application/x-protobuf":
            self.send_error(415, "expected application/x-protobuf, got " + content_type)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        request = request_type()
        try:
            request.ParseFromString(body)
        except Exception as error:  # a body that is not the message: tell the exporter
            self.send_error(400, "cannot decode: %s" % error)
            return
        with LOCK:
            n = next(COUNTER)
        path = os.path.join(OUT, "%s-%d.json" % (kind, n))
        with open(path + ".part", "w") as f:
            json.dump(MessageToDict(request), f)
        os.replace(path + ".part", path)
        answer = response_type().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
