//! OpenTelemetry export (feature `otel`): the `smoke.run` and `smoke.test` spans every run
//! makes, and the run metrics, sent over OTLP/HTTP (protobuf) to a collector.
//!
//! The runner makes its spans with [`tracing`](https://docs.rs/tracing) whatever the
//! features; this module turns them into OpenTelemetry spans with a
//! [`tracing_opentelemetry`] layer over an OTLP exporter, and adds three metrics recorded
//! from each finished run's report:
//!
//! | metric | kind | attributes |
//! |---|---|---|
//! | `smoke.runs` | counter | `outcome`: `pass` or `fail` |
//! | `smoke.test.outcomes` | counter | `outcome` (`passed`, `failed`, `errored`, `timed_out`, `skipped`), `test` (full name) |
//! | `smoke.test.duration` | histogram, unit `s` | `outcome`, `test`; tests that ran |
//!
//! Where to send them comes from the standard variables, read by `opentelemetry-otlp`:
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (a base URL, `/v1/traces` and `/v1/metrics` appended;
//! default `http://localhost:4318`), `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` /
//! `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (full URLs), `OTEL_EXPORTER_OTLP_HEADERS` (and its
//! `_TRACES_` / `_METRICS_` forms: `key=value,key2=value2`), `OTEL_EXPORTER_OTLP_TIMEOUT`;
//! [`OtelBuilder::endpoint`] overrides the endpoint variables. The client is the crate's
//! default (plain HTTP); for an `https://` collector enable `opentelemetry-otlp`'s
//! `reqwest-rustls` feature in your own manifest.
//!
//! A service that has a `tracing` subscriber adds [`Otel::layer`] to it; one that has none
//! calls [`OtelBuilder::install`]. Keep the [`Otel`] value for as long as the process
//! exports: dropping it (or [`Otel::shutdown`]) flushes what is pending, so a short-lived
//! command line exports before it exits.
//!
//! ```no_run
//! use smoke_runtime::otel::Otel;
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! # fn main() -> Result<(), smoke_runtime::otel::OtelError> {
//! // With a subscriber of your own: add the layer.
//! let otel = Otel::builder().service_name("billing").build()?;
//! let subscriber = tracing_subscriber::registry().with(otel.layer());
//! tracing::subscriber::set_global_default(subscriber).expect("no subscriber yet");
//!
//! // ... serve the endpoint, run the command line ...
//!
//! otel.shutdown()?; // or let it drop at the end of main
//! # Ok(()) }
//! ```
//!
//! Without one, `Otel::builder().service_name("billing").install()?` builds the same and
//! installs a subscriber with only the layer. See the guide's
//! [tracing chapter](crate::guide::tracing).

mod metrics;

pub(crate) use metrics::record_run;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{MetricExporter, SpanExporter, WithExportConfig};
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use tracing_opentelemetry::OpenTelemetryLayer;

/// The instrumentation scope of smoke's spans and metrics.
const SCOPE: &str = "smoke";

/// Why OpenTelemetry export could not be set up, flushed or shut down.
#[derive(Debug, Clone)]
pub struct OtelError(String);

impl fmt::Display for OtelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OtelError {}

/// Sets up export: the service's name, the endpoint, how often metrics go out.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct OtelBuilder {
    service_name: Option<String>,
    endpoint: Option<String>,
    metrics_interval: Option<Duration>,
}

impl OtelBuilder {
    /// The `service.name` resource attribute (default: `OTEL_SERVICE_NAME`, else the SDK's
    /// `unknown_service`).
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// The collector's base URL (`http://collector:4318`): spans go to `/v1/traces` and
    /// metrics to `/v1/metrics` under it, whatever the `OTEL_EXPORTER_OTLP_*ENDPOINT`
    /// variables say.
    pub fn endpoint(mut self, base_url: impl Into<String>) -> Self {
        self.endpoint = Some(base_url.into());
        self
    }

    /// How often metrics are exported (default 60 s; dropping the [`Otel`] exports once
    /// more).
    pub fn metrics_interval(mut self, every: Duration) -> Self {
        self.metrics_interval = Some(every);
        self
    }

    /// The tracer and meter providers, exporting over OTLP/HTTP. The meter provider also
    /// becomes OpenTelemetry's global one, and runs are recorded into its metrics from now
    /// on.
    ///
    /// # Errors
    ///
    /// When an exporter cannot be built (an endpoint that is not a URL).
    pub fn build(self) -> Result<Otel, OtelError> {
        let base = self.endpoint.as_deref().map(|b| b.trim_end_matches('/'));
        let mut spans = SpanExporter::builder().with_http();
        let mut metrics = MetricExporter::builder().with_http();
        if let Some(base) = base {
            spans = spans.with_endpoint(format!("{base}/v1/traces"));
            metrics = metrics.with_endpoint(format!("{base}/v1/metrics"));
        }
        let spans = spans
            .build()
            .map_err(|e| OtelError(format!("cannot build the OTLP span exporter: {e}")))?;
        let metrics = metrics
            .build()
            .map_err(|e| OtelError(format!("cannot build the OTLP metric exporter: {e}")))?;
        let mut resource = Resource::builder();
        if let Some(name) = self.service_name {
            resource = resource.with_service_name(name);
        }
        let resource = resource.build();
        let tracer_provider = SdkTracerProvider::builder()
            .with_batch_exporter(spans)
            .with_resource(resource.clone())
            .build();
        let mut reader = PeriodicReader::builder(metrics);
        if let Some(every) = self.metrics_interval {
            reader = reader.with_interval(every);
        }
        let meter_provider = SdkMeterProvider::builder()
            .with_reader(reader.build())
            .with_resource(resource)
            .build();
        opentelemetry::global::set_meter_provider(meter_provider.clone());
        metrics::install(Some(Arc::new(metrics::Instruments::new(
            &meter_provider.meter(SCOPE),
        ))));
        Ok(Otel {
            tracer_provider: Some(tracer_provider),
            meter_provider: Some(meter_provider),
        })
    }

    /// [`build`](Self::build), then installs a `tracing` subscriber with only
    /// [`Otel::layer`] as the global default: for a service that has no subscriber.
    ///
    /// # Errors
    ///
    /// When `build` fails, or a global subscriber is already set (add [`Otel::layer`] to
    /// it instead).
    pub fn install(self) -> Result<Otel, OtelError> {
        use tracing_subscriber::layer::SubscriberExt;
        let otel = self.build()?;
        let subscriber = tracing_subscriber::registry().with(otel.layer());
        tracing::subscriber::set_global_default(subscriber).map_err(|e| {
            OtelError(format!(
                "cannot install the subscriber: {e}; add Otel::layer to the one you have"
            ))
        })?;
        Ok(otel)
    }
}

/// Exporting spans and metrics; flushes and shuts the exporters down when dropped.
///
/// Built by [`Otel::builder`]; see the [module](self) for an example.
#[must_use = "dropping it shuts export down"]
pub struct Otel {
    tracer_provider: Option<SdkTracerProvider>,
    meter_provider: Option<SdkMeterProvider>,
}

impl fmt::Debug for Otel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Otel").finish_non_exhaustive()
    }
}

impl Otel {
    /// A builder with the defaults (endpoint and headers from the environment).
    pub fn builder() -> OtelBuilder {
        OtelBuilder::default()
    }

    /// The `tracing` layer that turns spans (smoke's, and any the tests or the service
    /// open) into OpenTelemetry spans exported by this value's tracer provider.
    pub fn layer<S>(&self) -> OpenTelemetryLayer<S, SdkTracer>
    where
        S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.tracer_provider().tracer(SCOPE))
    }

    /// The tracer provider (for tracers of your own).
    pub fn tracer_provider(&self) -> &SdkTracerProvider {
        self.tracer_provider
            .as_ref()
            .expect("the providers are taken only when the value is dropped")
    }

    /// The meter provider (for metrics of your own; also OpenTelemetry's global one).
    pub fn meter_provider(&self) -> &SdkMeterProvider {
        self.meter_provider
            .as_ref()
            .expect("the providers are taken only when the value is dropped")
    }

    /// Exports the spans that ended and the metrics recorded so far, and waits until the
    /// collector answered (or the exporters' timeout passed). It blocks the calling
    /// thread: from async code, call it through `tokio::task::spawn_blocking`.
    ///
    /// # Errors
    ///
    /// When an export failed or timed out.
    pub fn flush(&self) -> Result<(), OtelError> {
        let traces = self.tracer_provider().force_flush();
        let metrics = self.meter_provider().force_flush();
        both(traces, metrics, "flush")
    }

    /// Flushes, then stops the exporters; runs are no longer recorded. Dropping the value
    /// does the same, ignoring errors.
    ///
    /// # Errors
    ///
    /// When the last export failed or timed out.
    pub fn shutdown(mut self) -> Result<(), OtelError> {
        self.stop()
    }

    fn stop(&mut self) -> Result<(), OtelError> {
        let (Some(tracer_provider), Some(meter_provider)) =
            (self.tracer_provider.take(), self.meter_provider.take())
        else {
            return Ok(());
        };
        metrics::install(None);
        // The exporters' HTTP client may not be dropped on a runtime's thread: shut down
        // and drop the providers on a thread of their own.
        std::thread::spawn(move || {
            let traces = tracer_provider.shutdown();
            let metrics = meter_provider.shutdown();
            drop((tracer_provider, meter_provider));
            both(traces, metrics, "shut down")
        })
        .join()
        .unwrap_or_else(|_| Err(OtelError("shutting export down panicked".to_owned())))
    }
}

impl Drop for Otel {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn both(
    traces: opentelemetry_sdk::error::OTelSdkResult,
    metrics: opentelemetry_sdk::error::OTelSdkResult,
    what: &str,
) -> Result<(), OtelError> {
    match (traces, metrics) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), Ok(())) => Err(OtelError(format!("cannot {what} the spans: {e}"))),
        (Ok(()), Err(e)) => Err(OtelError(format!("cannot {what} the metrics: {e}"))),
        (Err(a), Err(b)) => Err(OtelError(format!(
            "cannot {what} the spans ({a}) nor the metrics ({b})"
        ))),
    }
}
