//! The AWS rules spotsim implements, each with an id, a one-line statement and the AWS
//! source (title and URL) it comes from — so that what a report cites is in the crate,
//! not in a file a user of the crate does not have.
//!
//! Module docs elsewhere cite the sections of the project's AWS fact sheet
//! (`aws-facts.md §x.y`, developer documentation); each [`Rule`] records the section it
//! implements ([`Rule::fact_sheet`]). Text a user sees (report assumptions, provenance,
//! errors) goes through [`localize`], which replaces every fact-sheet citation by the
//! rule and its AWS source.
//!
//! ```
//! let cited = spotsim::rules::localize("billing per second (aws-facts.md §3)");
//! assert_eq!(cited, "billing per second (AWS rule billing.per-second: \"Announcing Amazon EC2 per second billing\", https://aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-per-second-billing/)");
//! assert_eq!(spotsim::rules::get("spot.interruption-notice").unwrap().fact_sheet, "2.1");
//! ```

/// One AWS rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// A stable id (`billing.per-second`).
    pub id: &'static str,
    /// What the rule says, in one line.
    pub statement: &'static str,
    /// The AWS source's title.
    pub source_title: &'static str,
    /// The AWS source's URL.
    pub source_url: &'static str,
    /// The fact-sheet section it implements (developer cross-reference).
    pub fact_sheet: &'static str,
}

impl Rule {
    /// How a report cites the rule: `AWS rule ID: "TITLE", URL`.
    pub fn citation(&self) -> String {
        format!(
            "AWS rule {}: \"{}\", {}",
            self.id, self.source_title, self.source_url
        )
    }
}

macro_rules! rules {
    ($($id:literal, $section:literal, $title:literal, $url:expr, $statement:literal;)*) => {
        /// Every rule, in fact-sheet order.
        pub const RULES: &[Rule] = &[$(Rule {
            id: $id,
            statement: $statement,
            source_title: $title,
            source_url: $url,
            fact_sheet: $section,
        }),*];
    };
}

rules! {
    "fleet.spot-pool", "1.1", "How Spot Instances work", "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/how-spot-instances-work.html",
        "A Spot capacity pool is the unused EC2 instances of one instance type in one Availability Zone.";
    "fleet.allocation-strategies", "1.3", "Allocation strategies for Spot Instances (EC2 Fleet)", "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-fleet-allocation-strategy.html",
        "lowest-price, diversified, capacity-optimized, capacity-optimized-prioritized and price-capacity-optimized choose the Spot pools a fleet launches into.";
    "fleet.ondemand-allocation", "1.4", "Configure an On-Demand backup for Spot (EC2 Fleet)", "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-fleet-on-demand-backup.html",
        "On-Demand capacity of a mixed fleet launches the lowest-priced type first, or in the order of the priorities given.";
    "asg.ondemand-base-and-percentage", "1.5", "Auto Scaling groups with multiple instance types and purchase options", "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups.html",
        "OnDemandBaseCapacity units are On-Demand; of the capacity above it, OnDemandPercentageAboveBaseCapacity percent (rounded up) is On-Demand and the rest Spot.";
    "fleet.capacity-rebalance", "1.6", "Capacity Rebalancing in EC2 Fleet and Spot Fleet", "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-fleet-capacity-rebalance.html",
        "On a rebalance recommendation the fleet launches a replacement; launch-before-terminate ends the at-risk instance after a termination delay of 120 to 7200 seconds.";
    "spot.no-bidding", "1.7", "New Amazon EC2 Spot pricing model: Simplified purchasing without bidding and fewer interruptions", "https://aws.amazon.com/blogs/compute/new-amazon-ec2-spot-pricing/",
        "Since 2017 Spot prices change gradually and instances are not ended by price changes alone; an instance is interrupted when the Spot price rises above its maximum price.";
    "spot.interruption-notice", "2.1", "Spot Instance interruption notices", "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html",
        "EC2 gives a Spot Instance a two-minute warning before it interrupts it.";
    "spot.rebalance-recommendation", "2.2", "EC2 instance rebalance recommendations", "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html",
        "A rebalance recommendation signals that a Spot Instance is at elevated risk of interruption, possibly before the two-minute notice.";
    "spot.advisor-bands", "2.4", "Spot Instance Advisor", "https://aws.amazon.com/ec2/spot/instance-advisor/",
        "The Spot Instance Advisor gives per Region, OS and type the band of capacity reclaimed over the trailing month (<5%, 5-10%, 10-15%, 15-20%, >20%) and the savings over On-Demand.";
    "fargate.spot-interruption", "2.6", "AWS Fargate capacity providers", "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
        "Fargate Spot tasks can be interrupted with a two-minute warning when AWS needs the capacity back.";
    "billing.per-second", "3", "Announcing Amazon EC2 per second billing", "https://aws.amazon.com/about-aws/whats-new/2017/10/announcing-amazon-ec2-per-second-billing/",
        "Linux instances are billed per second with a 60-second minimum (other operating systems from later dates, some hourly).";
    "billing.interrupted-spot", "3.2", "Billing for interrupted Spot Instances", "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/billing-for-interrupted-spot-instances.html",
        "A Spot Instance that EC2 interrupts within its first instance-hour is not charged; after that, usage is charged per second.";
    "fargate.billing", "4.1", "AWS Fargate Pricing", "https://aws.amazon.com/fargate/pricing/",
        "Fargate charges vCPU, memory and storage per second with a one-minute minimum, from the start of the image pull until the task terminates.";
    "fargate.rates", "4.2", "AWS Fargate Pricing", "https://aws.amazon.com/fargate/pricing/",
        "Fargate's per vCPU-hour and per GB-hour rates by Region, operating system and architecture.";
    "fargate.spot", "4.3", "AWS Fargate capacity providers", "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
        "Fargate Spot runs interruption-tolerant ECS tasks at a discount off the Fargate price; it does not run Windows tasks.";
    "fargate.task-sizes", "4.4", "Amazon ECS task definition parameters: task size", "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html",
        "A Fargate task's CPU and memory must be one of the valid combinations.";
    "fargate.ephemeral-storage", "4.5", "Fargate task ephemeral storage for Amazon ECS", "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html",
        "A Fargate task gets 20 GiB of ephemeral storage, configurable up to 200 GiB; storage above 20 GiB is charged.";
    "fargate.windows", "4.6", "AWS Fargate Pricing", "https://aws.amazon.com/fargate/pricing/",
        "Windows tasks on Fargate pay an OS licence fee per vCPU-hour on top of the compute rates.";
    "ec2.ondemand-prices", "5", "Amazon EC2 On-Demand Pricing", "https://aws.amazon.com/ec2/pricing/on-demand/",
        "On-Demand instances are charged the list price per hour of their type, Region and operating system.";
    "eks.control-plane-fee", "6.1", "Amazon EKS extended support for Kubernetes versions pricing", "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/",
        "An EKS cluster costs $0.10 per hour in standard support and $0.60 per hour in extended support (from April 2024).";
    "ecs.no-orchestration-fee", "6.2", "AWS Fargate Pricing", "https://aws.amazon.com/fargate/pricing/",
        "Amazon ECS itself has no charge: you pay for the EC2 instances or Fargate resources.";
    "eks.node-group-sizes", "6.3", "Managed node groups", "https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html",
        "The instance types of a managed node group should have the same vCPU and memory, since the Cluster Autoscaler treats them as one size.";
    "ecs.task-placement", "6.4", "Amazon ECS task placement strategies", "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html",
        "binpack places tasks on the instance with the least remaining CPU or memory; spread balances them across a field such as the Availability Zone.";
    "ecs.capacity-provider-strategy", "6.5", "Amazon ECS capacity providers", "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-capacity-providers.html",
        "A capacity provider strategy runs `base` tasks on its first provider, then splits the rest by `weight`.";
}

/// The rule `id`.
pub fn get(id: &str) -> Option<Rule> {
    RULES.iter().find(|r| r.id == id).copied()
}

/// The rule implementing fact-sheet section `section` (`"2.1"`), or of its chapter
/// (`"3.1"` → `"3"`) when the section has none of its own.
pub fn for_fact_sheet(section: &str) -> Option<Rule> {
    let find = |s: &str| RULES.iter().find(|r| r.fact_sheet == s).copied();
    find(section).or_else(|| find(section.split('.').next().unwrap_or(section)))
}

/// `text` with every fact-sheet citation (`aws-facts.md §2.1`, `aws-facts §4.2/§4.6`, a
/// bare `§1.3`) replaced by the rules it names and their AWS sources.
pub fn localize(text: &str) -> String {
    if !text.contains('§') && !text.contains("aws-facts") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    loop {
        // The next citation: "aws-facts.md §", "aws-facts §" or a bare "§".
        let at = [
            rest.find("aws-facts.md"),
            rest.find("aws-facts"),
            rest.find('§'),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(at) = at else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..at]);
        let mut cur = &rest[at..];
        cur = cur
            .strip_prefix("aws-facts.md")
            .or_else(|| cur.strip_prefix("aws-facts"))
            .unwrap_or(cur)
            .trim_start();
        // One or more sections: §4.2/§4.6, §4.2, §3.
        let mut rules: Vec<Rule> = Vec::new();
        while let Some(after) = cur.strip_prefix('§') {
            let len = after
                .char_indices()
                .take_while(|(i, c)| {
                    c.is_ascii_digit()
                        || (*c == '.' && after[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
                })
                .map(|(i, c)| i + c.len_utf8())
                .last()
                .unwrap_or(0);
            if let Some(r) = for_fact_sheet(&after[..len])
                && !rules.contains(&r)
            {
                rules.push(r);
            }
            cur = &after[len..];
            if let Some(next) = cur.strip_prefix('/').filter(|n| n.starts_with('§')) {
                cur = next;
            } else {
                break;
            }
        }
        if rules.is_empty() {
            // No section or an unknown one: say where the rules are, never the file.
            out.push_str("AWS documentation (see spotsim::rules)");
        } else {
            let cites: Vec<String> = rules.iter().map(Rule::citation).collect();
            out.push_str(&cites.join("; "));
        }
        rest = cur;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_an_aws_source_and_a_unique_id() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(r.source_url.starts_with("https://"), "{}", r.id);
            assert_eq!(get(r.id), Some(*r));
            assert!(!r.statement.is_empty() && !r.source_title.is_empty());
            assert!(RULES[..i].iter().all(|o| o.id != r.id), "{} twice", r.id);
        }
    }

    #[test]
    fn citations_are_replaced() {
        let t = localize(
            "capacity drops (aws-facts.md §2.1); rates (aws-facts §4.2/§4.6, S23); size §4.5",
        );
        assert!(!t.contains("aws-facts") && !t.contains('§'), "{t}");
        assert!(t.contains("AWS rule spot.interruption-notice: \"Spot Instance interruption notices\", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html"));
        assert!(t.contains("AWS rule fargate.rates") && t.contains("AWS rule fargate.windows"));
        assert!(t.contains("AWS rule fargate.ephemeral-storage"));
        // A subsection without its own rule falls back to its chapter.
        assert!(localize("(aws-facts.md §3.1)").contains("billing.per-second"));
        assert_eq!(localize("no citation"), "no citation");
        assert!(!localize("aws-facts.md §99").contains("aws-facts"));
    }
}
