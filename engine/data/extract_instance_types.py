#!/usr/bin/env python3
"""Extract the ec2lab instance-type catalogue from moto's instance_types.json.gz.

Usage:
    pip download moto --no-deps -d /tmp/moto && (cd /tmp/moto && unzip -o -q moto-*.whl)
    pip download botocore --no-deps -d /tmp/botocore && (cd /tmp/botocore && unzip -o -q botocore-*.whl)
    python3 engine/data/extract_instance_types.py \
        /tmp/moto/moto/ec2/resources/instance_types.json.gz \
        [/tmp/botocore/botocore/data/ec2/2016-11-15/service-2.json.gz] \
        > engine/data/instance_types.json

Output: minified JSON array of DescribeInstanceTypes `InstanceTypeInfo` items, sorted by
family (in FAMILIES order) then size. When the botocore model is given, every object's keys are
put in the model's member order, which is the order the AWS CLI prints them in.
"""
import gzip
import json
import re
import sys

FAMILIES = ["c4", "c5", "c5n", "i3", "m3", "m4", "m5", "m6i", "r5", "t2", "t3"]  # output order

# Dropped to keep the embedded file small; none of them is used by the simulation.
# (paths are dotted; a list element is addressed by its parent's path)
DROP = {
    "NetworkInfo.ConnectionTrackingConfiguration",
    "NetworkInfo.NetworkCards.DefaultEnaQueueCountPerInterface",
    "NetworkInfo.FlexibleEnaQueuesSupport",
    "NetworkInfo.EnaSrdSupported",
    "NetworkInfo.SecondaryNetworkSupported",
    "NetworkInfo.EncryptionInTransitSupported",
    "NitroTpmInfo",
    "PhcSupport",
    "RebootMigrationSupport",
    "SupportedInRegion",
}

SIZE_ORDER = ["nano", "micro", "small", "medium", "large", "xlarge"]


def size_key(size):
    if size in SIZE_ORDER:
        return (0, SIZE_ORDER.index(size))
    m = re.fullmatch(r"(\d+)xlarge", size)
    if m:
        return (1, int(m.group(1)))
    return (2, size)  # metal (and metal-24xl etc.) last


def prune(obj, path=""):
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            p = f"{path}.{k}" if path else k
            if p in DROP:
                continue
            out[k] = prune(v, p)
        return out
    if isinstance(obj, list):
        return [prune(v, path) for v in obj]
    return obj


def reorder(obj, shape_name, shapes):
    """Order keys as the botocore model lists the members of `shape_name`."""
    shape = shapes.get(shape_name, {})
    if isinstance(obj, dict) and shape.get("type") == "structure":
        members = shape["members"]
        order = {k: i for i, k in enumerate(members)}
        out = {}
        for k in sorted(obj, key=lambda k: (order.get(k, len(order)), k)):
            sub = members[k]["shape"] if k in members else None
            out[k] = reorder(obj[k], sub, shapes) if sub else obj[k]
        return out
    if isinstance(obj, list) and shape.get("type") == "list":
        return [reorder(v, shape["member"]["shape"], shapes) for v in obj]
    return obj


def main():
    src = sys.argv[1]
    shapes = {}
    if len(sys.argv) > 2:
        op = gzip.open if sys.argv[2].endswith(".gz") else open
        with op(sys.argv[2], "rt") as f:
            shapes = json.load(f)["shapes"]
    with gzip.open(src, "rt") as f:
        data = json.load(f)
    items = []
    for name, info in data.items():
        family, size = name.split(".", 1)
        if family in FAMILIES:
            item = prune(info)
            if shapes:
                item = reorder(item, "InstanceTypeInfo", shapes)
            items.append(((FAMILIES.index(family), size_key(size)), item))
    items.sort(key=lambda t: t[0])
    json.dump([i for _, i in items], sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
