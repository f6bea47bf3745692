//! Name-based import resolution.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::module::Module;
use crate::runtime::instance::Instance;
use crate::runtime::objects::{Extern, Func};
use crate::runtime::store::{AsContext, AsContextMut, Caller};
use crate::values::Val;
use crate::{Engine, FuncType};

/// Resolves a module's imports by `(module, name)` and instantiates it.
pub struct Linker<T> {
    engine: Engine,
    items: HashMap<(String, String), Extern>,
    allow_shadowing: bool,
    _data: std::marker::PhantomData<fn(T)>,
}

impl<T> Linker<T> {
    /// An empty linker.
    pub fn new(engine: &Engine) -> Self {
        Linker { engine: engine.clone(), items: HashMap::new(), allow_shadowing: false, _data: Default::default() }
    }

    /// The engine this linker belongs to.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same name.
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    /// Defines `module::name` as `item`.
    pub fn define(
        &mut self,
        _store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.items.contains_key(&key) {
            return Err(Error::Link(format!("`{module}::{name}` is already defined")));
        }
        self.items.insert(key, item.into());
        Ok(self)
    }

    /// Defines `module::name` as a host function; see [`Func::wrap`].
    pub fn func_wrap<Params, Results>(
        &mut self,
        store: &mut crate::Store<T>,
        module: &str,
        name: &str,
        func: impl crate::IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self>
    where
        T: 'static,
    {
        let func = Func::wrap(&mut *store, func);
        self.define(&*store, module, name, func)
    }

    /// Defines `module::name` as a host function of type `ty`; see [`Func::new`].
    pub fn func_new(
        &mut self,
        store: &mut crate::Store<T>,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<()> + Send + Sync + 'static,
    ) -> Result<&mut Self>
    where
        T: 'static,
    {
        let func = Func::new(&mut *store, ty, func);
        self.define(&*store, module, name, func)
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn instance(
        &mut self,
        store: impl AsContextMut<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self> {
        let store = store.as_store();
        for (name, item) in instance.exports(store) {
            self.define(store, module, &name, item)?;
        }
        Ok(self)
    }

    /// The definition of `module::name`, if any.
    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.items.get(&(module.to_string(), name.to_string())).copied()
    }

    /// Instantiates `module`, taking each import from this linker's definitions.
    pub fn instantiate(&self, mut store: impl AsContextMut<Data = T>, module: &Module) -> Result<Instance> {
        let mut imports = Vec::with_capacity(module.inner.imports.len());
        for import in &module.inner.imports {
            match self.get(&import.module, &import.name) {
                Some(item) => imports.push(item),
                None => {
                    return Err(Error::Link(format!(
                        "unknown import: `{}::{}` has not been defined (expected {})",
                        import.module, import.name, import.ty
                    )));
                }
            }
        }
        Instance::new(store.as_store_mut(), module, &imports)
    }
}
