#!/usr/bin/env python3
"""Regenerates the built-in tables in this folder from their public sources.

Usage:
    python3 data/generate.py KARPENTER_GIT_DIR VPC_CNI_GIT_DIR

KARPENTER_GIT_DIR is a git clone of aws/karpenter-provider-aws, VPC_CNI_GIT_DIR one of
aws/amazon-vpc-cni-k8s (bare clones work: files are read with `git show COMMIT:PATH`).
The commits are pinned below; see data/README.md for what each file states and why.

Writes data/ec2_ondemand.csv and data/vpc_cni_eni_limits.csv. Stdlib only.
"""

import re
import subprocess
import sys
from pathlib import Path

KARPENTER_PRICES = ("6fc13b5236fd04fd16ff3f9dc7490d0813994099",
                    "pkg/providers/pricing/zz_generated.pricing_aws.go")
KARPENTER_TYPES = ("692ccdd0629e488300821443f0fa0bc3c3e08047",
                   "website/content/en/docs/reference/instance-types.md")
VPC_CNI_LIMITS = ("6152e01c83bb8f04fdc8690e99134ebe1445db29",
                  "pkg/vpc/vpc_ip_resource_limit.go")

REGION = "us-east-1"
OS = "Linux"

# Types the shared traces use that Karpenter's reference page does not describe
# (it has a price for them but no DescribeInstanceTypes entry). Sizes from EC2's
# published P3 specifications: the AWS News Blog launch post "New - Amazon EC2 Instances
# with Up to 8 NVIDIA Tesla V100 GPUs (P3)" (2017-10-25) and
# https://aws.amazon.com/ec2/instance-types/p3/ (vCPU, memory GiB, Intel Xeon = x86_64).
EXTRA_SPECS = {
    "p3.2xlarge": (8, 61 * 1024, "x86_64"),
    "p3.8xlarge": (32, 244 * 1024, "x86_64"),
    "p3.16xlarge": (64, 488 * 1024, "x86_64"),
}


def git_show(repo, commit, path):
    return subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def prices(text):
    """{type: price string} for us-east-1 from zz_generated.pricing_aws.go."""
    m = re.search(r'"%s": \{(.*?)\n\t\},' % REGION, text, re.S)
    if not m:
        sys.exit("us-east-1 block not found")
    out = {}
    for name, price in re.findall(r'"([a-z0-9-]+\.[a-z0-9-]+)": ([0-9.]+)', m.group(1)):
        p = price.rstrip("0").rstrip(".")
        out[name] = p
    return out


def specs(text):
    """{type: (vcpu, memory MiB, arch)} from Karpenter's instance-types.md labels."""
    out = {}
    for sec in re.split(r"\n### `", text)[1:]:
        name = sec.split("`", 1)[0]
        lab = dict(re.findall(r"\|([a-z0-9./-]+)\|([^|]*)\|", sec))
        try:
            cpu = int(lab["karpenter.k8s.aws/instance-cpu"])
            mem = int(lab["karpenter.k8s.aws/instance-memory"])
            arch = {"amd64": "x86_64", "arm64": "arm64"}[lab["kubernetes.io/arch"]]
        except KeyError:
            continue
        out[name] = (cpu, mem, arch)
    return out


def eni_limits(text):
    """{type: (ENIs, IPv4 per ENI, hypervisor, bare metal)}.

    ENILimit is what the CNI itself uses for eni-max-pods.txt; for every type in our
    catalog it equals MaximumNetworkInterfaces of the default network card, which is
    what the EKS AMI's max-pods-calculator.sh reads (the script checks this)."""
    out = {}
    for name, body in re.findall(r'\n\t"([a-z0-9-]+\.[a-z0-9-]+)": \{(.*?)\n\t\},', text, re.S):
        eni = int(re.search(r"ENILimit:\s+(\d+)", body).group(1))
        ipv4 = int(re.search(r"IPv4Limit:\s+(\d+)", body).group(1))
        default = int(re.search(r"DefaultNetworkCardIndex:\s+(\d+)", body).group(1))
        cards = {int(i): int(n) for n, i in re.findall(
            r"MaximumNetworkInterfaces:\s+(\d+),\s+NetworkCardIndex:\s+(\d+)", body)}
        hyp = re.search(r'HypervisorType:\s+"([a-z]*)"', body).group(1) or "none"
        metal = re.search(r"IsBareMetal:\s+(true|false)", body).group(1)
        if cards.get(default, eni) != eni:
            sys.exit(f"{name}: ENILimit {eni} != default card's {cards.get(default)}")
        out[name] = (eni, ipv4, hyp, metal)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    karp, cni = sys.argv[1], sys.argv[2]
    pr = prices(git_show(karp, *KARPENTER_PRICES))
    sp = specs(git_show(karp, *KARPENTER_TYPES))
    sp.update({k: v for k, v in EXTRA_SPECS.items() if k not in sp})
    names = sorted(n for n in pr if n in sp)
    left_out = sorted(n for n in pr if n not in sp)
    out = Path(__file__).resolve().parent
    with open(out / "ec2_ondemand.csv", "w") as f:
        f.write("region,operating_system,instance_type,vcpu,memory_mib,arch,ondemand_usd_per_hour\n")
        for n in names:
            cpu, mem, arch = sp[n]
            f.write(f"{REGION},{OS},{n},{cpu},{mem},{arch},{pr[n]}\n")
    lim = eni_limits(git_show(cni, *VPC_CNI_LIMITS))
    with open(out / "vpc_cni_eni_limits.csv", "w") as f:
        f.write("instance_type,max_enis,ipv4_per_eni,hypervisor,bare_metal\n")
        for n in names:
            if n in lim:
                e, i, h, m = lim[n]
                f.write(f"{n},{e},{i},{h},{m}\n")
    no_eni = [n for n in names if n not in lim]
    print(f"ec2_ondemand.csv: {len(names)} types; left out (price, no size): {len(left_out)} {left_out}")
    print(f"vpc_cni_eni_limits.csv: {len(names) - len(no_eni)} types; no CNI entry: {no_eni}")


if __name__ == "__main__":
    main()
