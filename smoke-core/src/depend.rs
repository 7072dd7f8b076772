//! Dependencies between tests (`requires(...)`): the prerequisites a run adds to the tests
//! it was given, and the cycles it refuses to wait on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use crate::TestDescriptor;

/// Tests whose prerequisites form a cycle, so none of them can start: reported by the
/// runner as errored with this message (see [`check_dependencies`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyCycle {
    /// The full names along the cycle, the first repeated at the end:
    /// `["a", "b", "c", "a"]`.
    pub path: Vec<String>,
}

impl fmt::Display for DependencyCycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dependency cycle: {}", self.path.join(" -> "))
    }
}

impl std::error::Error for DependencyCycle {}

/// Checks the prerequisites of `tests` (and theirs, transitively) for cycles: `Err` with
/// the first cycle found, its tests in order (`a -> b -> c -> a`).
///
/// The runner does this for every run and reports each test of a cycle as errored with
/// the cycle's message; front ends may call it at start-up to refuse a program whose
/// tests can never run.
///
/// ```
/// use smoke_core::check_dependencies;
/// assert!(check_dependencies(smoke_core::registered()).is_ok());
/// ```
pub fn check_dependencies<'a>(
    tests: impl IntoIterator<Item = &'a TestDescriptor>,
) -> Result<(), DependencyCycle> {
    let tests: Vec<&TestDescriptor> = tests.into_iter().collect();
    let (all, _) = closure(&tests);
    match cycles(&all).into_iter().next() {
        Some((_, cycle)) => Err(cycle),
        None => Ok(()),
    }
}

/// `tests` and, after them, the prerequisites they reach (transitively) that are not among
/// them: what a run of `tests` runs.
pub fn with_prerequisites<'a>(tests: &[&'a TestDescriptor]) -> Vec<&'a TestDescriptor> {
    closure(tests).0
}

fn key(test: &TestDescriptor) -> usize {
    test as *const TestDescriptor as usize
}

/// `tests` followed by the prerequisites they reach that are not among them (in the order
/// first reached), and, for each added one, the full names of the tests in the run that
/// require it.
pub(crate) fn closure<'a>(
    tests: &[&'a TestDescriptor],
) -> (Vec<&'a TestDescriptor>, BTreeMap<String, Vec<String>>) {
    if tests.iter().all(|t| t.requires.is_empty()) {
        return (tests.to_vec(), BTreeMap::new());
    }
    let mut seen: HashSet<usize> = tests.iter().map(|t| key(t)).collect();
    let mut all: Vec<&'a TestDescriptor> = tests.to_vec();
    let mut added: HashSet<usize> = HashSet::new();
    let mut i = 0;
    while i < all.len() {
        let test = all[i];
        for prerequisite in test.prerequisites() {
            if seen.insert(key(prerequisite)) {
                added.insert(key(prerequisite));
                all.push(prerequisite);
            }
        }
        i += 1;
    }
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for test in &all {
        for prerequisite in test.prerequisites() {
            if added.contains(&key(prerequisite)) {
                let dependents = notes.entry(prerequisite.full_name()).or_default();
                let name = test.full_name();
                if !dependents.contains(&name) {
                    dependents.push(name);
                }
            }
        }
    }
    (all, notes)
}

/// Every test of `tests` that lies on a cycle of prerequisites (its strongly connected
/// component has more than one test, or it requires itself), with its component's cycle.
pub(crate) fn cycles(tests: &[&TestDescriptor]) -> Vec<(usize, DependencyCycle)> {
    let index: HashMap<usize, usize> = tests.iter().enumerate().map(|(i, t)| (key(t), i)).collect();
    let edges: Vec<Vec<usize>> = tests
        .iter()
        .map(|t| {
            t.prerequisites()
                .filter_map(|p| index.get(&key(p)).copied())
                .collect()
        })
        .collect();
    let components = tarjan(&edges);
    let mut out = Vec::new();
    for component in components {
        let on_cycle = component.len() > 1 || edges[component[0]].contains(&component[0]);
        if !on_cycle {
            continue;
        }
        let members: HashSet<usize> = component.iter().copied().collect();
        // Start at the smallest name, so the message is the same from run to run.
        let start = *component
            .iter()
            .min_by_key(|&&i| tests[i].full_name())
            .expect("a component is never empty");
        let path = path_back(start, &edges, &members);
        let cycle = DependencyCycle {
            path: path.iter().map(|&i| tests[i].full_name()).collect(),
        };
        for &i in &component {
            out.push((key(tests[i]), cycle.clone()));
        }
    }
    out
}

/// The shortest walk from `start` back to it within `members` (breadth first), as
/// `[start, ..., start]`.
fn path_back(start: usize, edges: &[Vec<usize>], members: &HashSet<usize>) -> Vec<usize> {
    let mut previous: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in &edges[node] {
            if !members.contains(&next) {
                continue;
            }
            if next == start {
                let mut path = vec![start, node];
                let mut at = node;
                while at != start {
                    at = previous[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = previous.entry(next) {
                e.insert(node);
                queue.push_back(next);
            }
        }
    }
    vec![start, start]
}

/// Tarjan's strongly connected components, iteratively (no recursion depth to exhaust).
fn tarjan(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut components = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut child)) = work.last_mut() {
            if *child == 0 && index[node] == usize::MAX {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*child) {
                *child += 1;
                if index[next] == usize::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_small_graph() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 0
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let mut components: Vec<Vec<usize>> = tarjan(&edges)
            .into_iter()
            .map(|mut c| {
                c.sort();
                c
            })
            .collect();
        components.sort();
        assert_eq!(components, vec![vec![0, 1, 2], vec![3], vec![4]]);
        let members = HashSet::from([0, 1, 2]);
        assert_eq!(path_back(0, &edges, &members), vec![0, 1, 2, 0]);
    }
}
