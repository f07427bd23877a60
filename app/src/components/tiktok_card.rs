//! What a TikTok account's card shows on the accounts list, the dashboard and the account's
//! own page: the first sync's progress, or its figures (followers, likes, videos, change).

use leptos::prelude::*;

use crate::api::tiktok::CardView;
use crate::format;
use crate::i18n::use_messages;

/// The first sync's progress: a bar when TikTok's video count is known.
#[component]
pub fn BackfillProgress(card: CardView) -> impl IntoView {
    let t = use_messages();
    let locale = crate::i18n::use_locale();
    let label = match card.videos {
        Some(total) => format!(
            "{}: {} / {}",
            t.analytics.progress_label,
            locale.format_count(card.videos_kept),
            format::maybe_count(Some(total), locale)
        ),
        None => format!("{}: {}", t.analytics.progress_label, locale.format_count(card.videos_kept)),
    };
    // Whole percent, by integer formatting (the browser build carries no float formatter).
    let value = card.progress().map(|p| ((p * 100.0).round() as u32).to_string());
    view! {
        <div class="backfill" aria-live="polite">
            <p class="sync-line">{t.tiktok.first_sync}</p>
            <label class="progress-label">
                {label}
                <progress max="100" value=value></progress>
            </label>
        </div>
    }
}

/// The figures of an account's card: followers and their change, likes, videos, engagement.
#[component]
pub fn CardFigures(card: CardView) -> impl IntoView {
    let t = use_messages();
    let locale = crate::i18n::use_locale();
    view! {
        <dl class="figures">
            {figure(t.analytics.followers, format::maybe_count(card.followers, locale))}
            {figure(t.analytics.change_7d, format::change(card.followers_7d, locale))}
            {figure(t.analytics.change_30d, format::change(card.followers_30d, locale))}
            {figure(t.analytics.following, format::maybe_count(card.following, locale))}
            {figure(t.analytics.likes, format::maybe_count(card.likes, locale))}
            {figure(t.analytics.videos, format::maybe_count(card.videos, locale))}
            {figure(t.analytics.engagement, format::percent(card.engagement_rate, locale))}
        </dl>
        {card.as_of.clone().map(|at| view! { <p class="as-of">{t.tiktok.as_of}" "{at}</p> })}
    }
}

/// One labelled figure of a `<dl class="figures">` (a card's followers, a video's views).
pub fn figure(label: &'static str, value: String) -> impl IntoView {
    view! { <div class="figure"><dt>{label}</dt><dd>{value}</dd></div> }
}
