mod engine;
mod props;
mod synth;
mod ingest;
