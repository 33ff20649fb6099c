//! Engine benchmark (not a test: it asserts nothing about time).
//!
//!   cargo run --release -p ec2lab-engine --example bench
//!
//! Launches 10,000 instances through the console (100 × `run-instances --count 100`), then
//! describes them all with one `describe-instances --query`, and reports wall-clock times.
//! The last line is machine-readable for scripts/bench:
//!   BENCH launch_ms=… describe_ms=… total_ms=… instances=…
use std::time::Instant;

const RUN_100: &str = "aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro --count 100";
const DESCRIBE: &str = "aws ec2 describe-instances --query 'length(Reservations[].Instances[])'";
const BATCHES: usize = 100;

fn main() {
    let mut lab = engine::Lab::new(1);

    let t0 = Instant::now();
    for batch in 0..BATCHES {
        let out = lab.run(RUN_100);
        if out.exit != 0 {
            eprintln!(
                "run-instances batch {} of {BATCHES} failed (exit {}):\n{}{}",
                batch + 1,
                out.exit,
                out.stdout,
                out.stderr
            );
            println!("BENCH error=run-instances-failed batch={}", batch + 1);
            std::process::exit(1);
        }
    }
    let launch = t0.elapsed();

    let t1 = Instant::now();
    let out = lab.run(DESCRIBE);
    let describe = t1.elapsed();
    let total = t0.elapsed();

    let count = out.stdout.trim();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!("launch 10,000 instances ({BATCHES} × run-instances --count 100): {:>9.1} ms", ms(launch));
    println!("describe-instances --query 'length(…)':                   {:>9.1} ms", ms(describe));
    println!("total:                                                      {:>9.1} ms", ms(total));
    println!("describe-instances answered: {count:?} (exit {})", out.exit);
    if out.exit != 0 || count != "10000" {
        eprintln!("expected describe-instances to count 10000 instances; stderr: {}", out.stderr);
        println!("BENCH error=describe-mismatch instances={count:?}");
        std::process::exit(1);
    }
    println!(
        "BENCH launch_ms={:.1} describe_ms={:.1} total_ms={:.1} instances={count}",
        ms(launch),
        ms(describe),
        ms(total)
    );
}
