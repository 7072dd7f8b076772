//! Values the host registers by type ([`Resources`]), and the fixture that hands one to a
//! test ([`Resource<T>`]).

use std::any::{type_name, Any, TypeId};
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

/// Values the host registers by type, for tests and fixtures to ask for
/// ([`Resource<T>`], [`Context::resource`](crate::Context::resource)).
///
/// ```
/// use smoke_core::Resources;
///
/// #[derive(Debug)]
/// struct Settings { bucket: String }
///
/// let mut resources = Resources::new();
/// resources.insert(Settings { bucket: "media".into() });
/// assert_eq!(resources.get::<Settings>().unwrap().bucket, "media");
/// ```
#[derive(Default, Clone)]
pub struct Resources {
    by_type: HashMap<TypeId, (&'static str, Arc<dyn Any + Send + Sync>)>,
}

impl std::fmt::Debug for Resources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.by_type.values().map(|(name, _)| name))
            .finish()
    }
}

impl Resources {
    /// No resources.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `value` as the resource of type `T`, replacing any earlier one.
    pub fn insert<T: Send + Sync + 'static>(&mut self, value: T) -> &mut Self {
        self.insert_arc(Arc::new(value))
    }

    /// Registers an already shared value.
    pub fn insert_arc<T: Send + Sync + 'static>(&mut self, value: Arc<T>) -> &mut Self {
        self.by_type
            .insert(TypeId::of::<T>(), (type_name::<T>(), value));
        self
    }

    /// The resource of type `T`, if registered.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<Resource<T>> {
        let (_, any) = self.by_type.get(&TypeId::of::<T>())?;
        any.clone().downcast::<T>().ok().map(Resource)
    }

    /// How many resources are registered.
    pub fn len(&self) -> usize {
        self.by_type.len()
    }

    /// Whether none is registered.
    pub fn is_empty(&self) -> bool {
        self.by_type.is_empty()
    }
}

/// A test parameter that receives a value the host registered by type
/// ([`Resources::insert`]); a cheap shared handle that dereferences to the value.
///
/// A test asking for a resource the host did not register errors with a message that
/// names the type.
#[derive(Debug)]
pub struct Resource<T: ?Sized>(Arc<T>);

impl<T: ?Sized> Clone for Resource<T> {
    fn clone(&self) -> Self {
        Resource(self.0.clone())
    }
}

impl<T: ?Sized> Deref for Resource<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> Resource<T> {
    /// The shared value.
    pub fn into_arc(self) -> Arc<T> {
        self.0
    }
}
