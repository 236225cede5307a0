mod engine;
mod props;
mod synth;
mod ingest;
mod fleet;
mod cli;
mod replay;
mod strategy;
