"""Sets up what the AWS credential check tests need in a running moto server: an IAM user
with an access key. Prints one JSON line: the key id, its secret, the user's ARN and account.

    python moto_setup.py ENDPOINT_URL

moto counts these calls against INITIAL_NO_AUTH_ACTION_COUNT (2): after them it
authenticates every request, so the check's calls are verified like AWS would.
"""

import json
import sys

import boto3

iam = boto3.client(
    "iam",
    endpoint_url=sys.argv[1],
    region_name="us-east-1",
    aws_access_key_id="setup",
    aws_secret_access_key="setup",
)
user = iam.create_user(UserName="smoke-check")["User"]
key = iam.create_access_key(UserName="smoke-check")["AccessKey"]
print(
    json.dumps(
        {
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
            "arn": user["Arn"],
            "account": user["Arn"].split(":")[4],
        }
    )
)
