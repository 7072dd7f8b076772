//! What `assert_in!` and `assert_not_in!` ask of a container.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, LinkedList, VecDeque};
use std::ops::{Range, RangeInclusive};

/// A container that can say whether it holds an item: what [`assert_in!`](crate::assert_in)
/// and [`assert_not_in!`](crate::assert_not_in) use.
///
/// Implemented for slices, arrays, `Vec`, `VecDeque`, `LinkedList`, `HashSet`, `BTreeSet`
/// (items compared with `==`, so a `Vec<String>` holds a `&str`), for the keys of `HashMap`
/// and `BTreeMap`, for ranges (`200..300` holds `204`), and for strings (a `str` or
/// `String` holds a substring or a `char`). Implement it for your own containers.
///
/// ```
/// use smoke_runtime::assert::Contains;
///
/// assert!(vec!["a".to_string(), "b".to_string()].contains_item(&"b"));
/// assert!("content-type: text/html".contains_item(&"text/"));
/// assert!((200..300).contains_item(&204));
/// ```
pub trait Contains<Item: ?Sized> {
    /// Whether `item` is in `self`.
    fn contains_item(&self, item: &Item) -> bool;
}

impl<C: Contains<Item> + ?Sized, Item: ?Sized> Contains<Item> for &C {
    fn contains_item(&self, item: &Item) -> bool {
        (**self).contains_item(item)
    }
}

impl<C: Contains<Item> + ?Sized, Item: ?Sized> Contains<Item> for &mut C {
    fn contains_item(&self, item: &Item) -> bool {
        (**self).contains_item(item)
    }
}

macro_rules! by_equality {
    ($($container:ty),* $(,)?) => {$(
        impl<T: PartialEq<Item>, Item> Contains<Item> for $container {
            fn contains_item(&self, item: &Item) -> bool {
                self.iter().any(|x| x == item)
            }
        }
    )*};
}

by_equality!([T], Vec<T>, VecDeque<T>, LinkedList<T>);

impl<T: PartialEq<Item>, Item, const N: usize> Contains<Item> for [T; N] {
    fn contains_item(&self, item: &Item) -> bool {
        self.iter().any(|x| x == item)
    }
}

impl<T: PartialEq<Item>, Item, S> Contains<Item> for HashSet<T, S> {
    fn contains_item(&self, item: &Item) -> bool {
        self.iter().any(|x| x == item)
    }
}

impl<T: PartialEq<Item>, Item> Contains<Item> for BTreeSet<T> {
    fn contains_item(&self, item: &Item) -> bool {
        self.iter().any(|x| x == item)
    }
}

impl<K: PartialEq<Item>, V, Item, S> Contains<Item> for HashMap<K, V, S> {
    fn contains_item(&self, item: &Item) -> bool {
        self.keys().any(|k| k == item)
    }
}

impl<K: PartialEq<Item>, V, Item> Contains<Item> for BTreeMap<K, V> {
    fn contains_item(&self, item: &Item) -> bool {
        self.keys().any(|k| k == item)
    }
}

impl<T: PartialOrd> Contains<T> for Range<T> {
    fn contains_item(&self, item: &T) -> bool {
        self.contains(item)
    }
}

impl<T: PartialOrd> Contains<T> for RangeInclusive<T> {
    fn contains_item(&self, item: &T) -> bool {
        self.contains(item)
    }
}

impl Contains<str> for str {
    fn contains_item(&self, item: &str) -> bool {
        self.contains(item)
    }
}

impl Contains<&str> for str {
    fn contains_item(&self, item: &&str) -> bool {
        self.contains(*item)
    }
}

impl Contains<String> for str {
    fn contains_item(&self, item: &String) -> bool {
        self.contains(item.as_str())
    }
}

impl Contains<char> for str {
    fn contains_item(&self, item: &char) -> bool {
        self.contains(*item)
    }
}

impl<Item: ?Sized> Contains<Item> for String
where
    str: Contains<Item>,
{
    fn contains_item(&self, item: &Item) -> bool {
        self.as_str().contains_item(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_hold_equal_items() {
        let v = vec!["a".to_string(), "b".to_string()];
        assert!(v.contains_item(&"a"));
        assert!(!v.contains_item(&"c"));
        assert!([1, 2, 3].contains_item(&2));
        assert!(v.as_slice().contains_item(&"b".to_string()));
        assert!(VecDeque::from([1]).contains_item(&1));
    }

    #[test]
    fn sets_hold_their_members_and_maps_their_keys() {
        let set: HashSet<&str> = ["x", "y"].into();
        assert!(set.contains_item(&"x"));
        assert!(!set.contains_item(&"z"));
        let map: BTreeMap<String, i32> = [("k".to_string(), 1)].into();
        assert!(map.contains_item(&"k"));
        assert!(!map.contains_item(&"1"));
        let hmap: HashMap<i32, &str> = [(1, "one")].into();
        assert!(hmap.contains_item(&1));
    }

    #[test]
    fn strings_hold_substrings_and_chars() {
        assert!("hello".contains_item(&"ell"));
        assert!(!"hello".contains_item(&"xyz"));
        assert!(String::from("hello").contains_item(&'h'));
        assert!(String::from("hello").contains_item(&String::from("lo")));
    }

    #[test]
    fn ranges_hold_what_lies_between_their_bounds() {
        assert!((200..300).contains_item(&204));
        assert!(!(200..300).contains_item(&300));
        assert!((1.0..=2.0).contains_item(&2.0));
    }
}
