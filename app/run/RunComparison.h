#pragma once

#include "ComparisonCore.h"
#include "Run.h"

#include <optional>
#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

/// One step of either run, matched by id (and occurrence), with its status and duration in each.
struct StepComparison
{
    StepId id = StepId::Resolve;
    std::optional<StepStatus> statusBefore; ///< empty: the first run has no such step
    std::optional<StepStatus> statusAfter;
    qint64 durationBefore = 0;
    qint64 durationAfter = 0;
    /// The step's status changed, or it is in one run only (timings always differ a little).
    bool statusChanged() const { return statusBefore != statusAfter; }
};

/**
 * What changed between two runs of (usually) the same server: the certificate (fingerprint,
 * expiry, issuer, subject), the negotiated TLS version, cipher and key exchange, the certificate
 * verification, the capabilities before and after TLS, the findings, each step's status and timing,
 * and the verdict. A Run is data (ARCHITECTURE.md), so this is a pure function of two runs; the
 * CLI's `compare` and the GUI's side-by-side view both render it.
 *
 * Step timings are listed for every step but never count as a change on their own: two runs of
 * the same server never take the same milliseconds.
 */
struct RunComparison
{
    /// Scalar values that differ, in a fixed order (the order of fieldOrder()).
    QList<FieldChange> changes;
    SetChange capabilitiesPlain;
    SetChange capabilitiesTls;
    SetChange findings;
    QList<StepComparison> steps;

    /// Nothing changed but timings.
    bool isUnchanged() const;
    /// The change of `field`, or nullptr when it is the same in both runs.
    const FieldChange* change(const QString& field) const;

    static RunComparison compare(const Run& before, const Run& after);
    /// The fields compared, in the order they are listed.
    static QStringList fieldOrder();
    /// A translated label for a field key ("TLS version").
    static QString fieldLabel(const QString& field);

    /// The value of `field` in `run` as the comparison shows it ("" when the run has none).
    static QString fieldValue(const Run& run, const QString& field);

    /// The comparison as JSON (`mailscope-cli compare --json`).
    QJsonObject toJson(const Run& before, const Run& after) const;
    /// The comparison as text for a terminal; text the servers control is escaped (TerminalText).
    QString toText(const Run& before, const Run& after) const;
};
