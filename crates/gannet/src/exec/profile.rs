//! Counting executed IR instructions and adjacent pairs of them: the data that says which
//! superinstructions would pay. Enabled by `Config::count_ops`, which makes the translator
//! encode the counting handlers (`counting_handler_table`) instead of the plain ones, so a
//! build pays nothing for this unless an engine asks for it.

use crate::ir::OpCode;

/// Counts of one executor, merged into its engine's [`OpCounts`] when it finishes.
pub(crate) struct OpCounter {
    ops: Vec<u64>,
    /// `pairs[previous * N + current]`.
    pairs: Vec<u64>,
    /// The previous instruction, or `None` at the start of a run.
    previous: Option<usize>,
}

impl OpCounter {
    pub(crate) fn new() -> Self {
        let n = OpCode::ALL.len();
        OpCounter { ops: vec![0; n], pairs: vec![0; n * n], previous: None }
    }

    pub(crate) fn record(&mut self, op: OpCode) {
        let op = op as usize;
        self.ops[op] += 1;
        if let Some(previous) = self.previous {
            self.pairs[previous * OpCode::ALL.len() + op] += 1;
        }
        self.previous = Some(op);
    }
}

/// Executed IR instructions, by op and by adjacent pair, summed over every call made with
/// an engine configured with [`Config::count_ops`](crate::Config::count_ops).
#[derive(Clone, Debug, Default)]
pub struct OpCounts {
    ops: Vec<u64>,
    pairs: Vec<u64>,
}

impl OpCounts {
    pub(crate) fn merge(&mut self, counter: &OpCounter) {
        if self.ops.is_empty() {
            self.ops = vec![0; counter.ops.len()];
            self.pairs = vec![0; counter.pairs.len()];
        }
        self.ops.iter_mut().zip(&counter.ops).for_each(|(sum, n)| *sum += n);
        self.pairs.iter_mut().zip(&counter.pairs).for_each(|(sum, n)| *sum += n);
    }

    /// All instructions executed.
    pub fn total(&self) -> u64 {
        self.ops.iter().sum()
    }

    /// Executed instructions by op (its name in the op table, e.g. `I32AddImm`, which
    /// tells the variants of a mnemonic apart), most frequent first.
    pub fn ops(&self) -> Vec<(&'static str, u64)> {
        let mut ops: Vec<_> = self
            .ops
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(code, &n)| (OpCode::ALL[code].name(), n))
            .collect();
        ops.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        ops
    }

    /// How often one op directly followed another (in execution order, across branches
    /// and calls), most frequent first.
    pub fn pairs(&self) -> Vec<((&'static str, &'static str), u64)> {
        let n = OpCode::ALL.len();
        let mut pairs: Vec<_> = self
            .pairs
            .iter()
            .enumerate()
            .filter(|&(_, &count)| count > 0)
            .map(|(at, &count)| ((OpCode::ALL[at / n].name(), OpCode::ALL[at % n].name()), count))
            .collect();
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        pairs
    }
}
