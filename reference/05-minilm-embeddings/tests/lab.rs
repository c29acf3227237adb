extern crate minilm_embeddings_reference as minilm_embeddings;
include!("../../../labs/05-minilm-embeddings/tests/lab.rs");
