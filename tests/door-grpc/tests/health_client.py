"""The gRPC health client of the door tests: grpcio and grpcio-health-checking from PyPI,
the reference implementation of grpc.health.v1, against the server under test.

    python health_client.py ADDRESS            the whole scenario (tests/grpc_health.rs)
    python health_client.py ADDRESS SERVICE    one Check (tests/tower_tonic.rs)
    python health_client.py ADDRESS --list     List twice, then Check("") (tests/grpc_health.rs)

The scenario prints one JSON line per step: {"watching": true} once the Watch on the "toggle"
service has its first status (the test then makes that service fail), and at the end every
result.
"""

import json
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

NAMES = health_pb2.HealthCheckResponse.ServingStatus.Name


def say(value):
    print(json.dumps(value), flush=True)


def check(stub, service):
    try:
        response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=20)
        return NAMES(response.status)
    except grpc.RpcError as error:
        return "error: " + error.code().name


def list_statuses(stub):
    try:
        response = stub.List(health_pb2.HealthListRequest(), timeout=20)
        return {service: NAMES(status.status) for service, status in response.statuses.items()}
    except grpc.RpcError as error:
        return "error: " + error.code().name


def main():
    address = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--list":
        with grpc.insecure_channel(address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            say({"list": list_statuses(stub), "again": list_statuses(stub), "check": check(stub, "")})
        return
    if len(sys.argv) > 2:
        with grpc.insecure_channel(address) as channel:
            say({"check": check(health_pb2_grpc.HealthStub(channel), sys.argv[2])})
        return
    results = {}
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        results["check"] = {
            service: check(stub, service)
            for service in ["", "ok", "broken", "smoke.Ok", "smoke.Everything", "no.such.Service"]
        }
        results["list"] = list_statuses(stub)

        # An unknown service: SERVICE_UNKNOWN, and the call stays open.
        unknown = stub.Watch(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=20)
        results["watch_unknown"] = NAMES(next(unknown).status)
        unknown.cancel()

        # The current status, then each change until the service fails.
        watch = stub.Watch(health_pb2.HealthCheckRequest(service="toggle"), timeout=30)
        seen = []
        try:
            for response in watch:
                seen.append(NAMES(response.status))
                if len(seen) == 1:
                    say({"watching": True})
                if seen[-1] == "NOT_SERVING":
                    break
        except grpc.RpcError as error:
            seen.append("error: " + error.code().name)
        watch.cancel()
        results["watch_toggle"] = seen
    say(results)


if __name__ == "__main__":
    main()
