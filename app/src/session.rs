//! Who is signed in, for every component: one resource per page load, refetched whenever the
//! address changes (logins, logouts and profile changes all end in a redirect).

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::api::account::{Me, get_me};
use crate::error::AppError;

/// The signed-in user as a resource.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<Me>, AppError>>);

/// Creates the resource; call once inside the router.
pub fn provide_current_user() {
    let location = use_location();
    let resource = Resource::new(move || (location.pathname.get(), location.search.get()), |_| get_me());
    provide_context(CurrentUser(resource));
}

/// The signed-in user resource.
pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// Renders `children` with the signed-in user, or sends the visitor to the login page (and back
/// here afterwards).
#[component]
pub fn RequireUser<F, IV>(children: F) -> impl IntoView
where
    F: Fn(Me) -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    // Only this boxing is generic: the waiting and redirecting below is compiled once for all
    // the pages that use it, not once per page (it is a good part of the browser build).
    require_user(Arc::new(move |me| children(me).into_any()))
}

fn require_user(children: Arc<dyn Fn(Me) -> AnyView + Send + Sync>) -> AnyView {
    let CurrentUser(user) = use_current_user();
    let location = use_location();
    view! {
        <Transition>
            {move || {
                let children = Arc::clone(&children);
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(me)) => children(me).into_any(),
                        Ok(None) => {
                            let next = location.pathname.get_untracked();
                            // Signed out on the way to a public page (logging out goes to the
                            // login page, whose module may still be loading while this page
                            // shows): that navigation wins, not a second one to log in again.
                            if !crate::needs_sign_in(&next) {
                                return ().into_any();
                            }
                            let target = format!("/login?next={}", crate::format::path_in_query(&next));
                            view! { <Redirect path=target /> }.into_any()
                        }
                        Err(err) => Err::<(), _>(err).into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}
