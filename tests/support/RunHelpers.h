#pragma once

// Small helpers the engine tests share: run a session to its end, and read a Run back.

#include "run/Run.h"
#include "session/ProbeSession.h"

#include <algorithm>
#include <initializer_list>
#include <QList>
#include <QSignalSpy>
#include <QTest>

/// The finding ids of a run, sorted (duplicates kept).
inline QStringList sortedFindingIds(const Run& run)
{
    QStringList ids;
    for (const Finding& f : run.findings)
        ids.append(f.id);
    ids.sort();
    return ids;
}

/// The exact set of a run's finding ids, sorted and joined by spaces, so that a failing QCOMPARE
/// prints both sides in full: `QCOMPARE(findingIds(run), ids({FindingIds::A, FindingIds::B}))`.
/// A run that must raise nothing compares with `ids({})`. Never test "contains each expected
/// id": that lets wrong and extra findings through (STYLE.md, "What makes an assertion honest").
inline QString findingIds(const Run& run) { return sortedFindingIds(run).join(QLatin1Char(' ')); }

/// An expected set of finding ids in the form findingIds() returns.
inline QString ids(QStringList expected)
{
    expected.sort();
    return expected.join(QLatin1Char(' '));
}

/// The detail of the only finding with `id` (empty when there is none; the exact set is compared
/// separately).
inline QString findingDetail(const Run& run, const QString& id)
{
    const Finding* f = run.finding(id);
    return f ? f->detail : QString();
}

/// True when a capability starts with `prefix` (case-insensitive), e.g. "AUTH" or "AUTH=PLAIN".
inline bool hasCapability(const QStringList& capabilities, const QString& prefix)
{
    return std::any_of(capabilities.cbegin(), capabilities.cend(),
                       [&prefix](const QString& c) { return c.startsWith(prefix, Qt::CaseInsensitive); });
}

/// SASL PLAIN's initial response (RFC 4616), computed independently of the engine's mechanism.
inline QByteArray plainResponse(const QByteArray& user, const QByteArray& password)
{
    return (QByteArray(1, '\0') + user + QByteArray(1, '\0') + password).toBase64();
}

/// Runs a session with a real transport to its end (the test fails if it takes longer than
/// `timeoutMs`) and returns its run.
inline Run runToEnd(ProbeOptions options, int timeoutMs = 60000)
{
    ProbeSession session(std::move(options));
    QSignalSpy finished(&session, &ProbeSession::finished);
    session.start();
    if (!session.isFinished())
        [&] { QVERIFY(finished.wait(timeoutMs)); }();
    return session.run();
}

/// "resolve=ok connect=ok ...": every step of a run in order, readable in a QCOMPARE diff.
inline QString stepsOf(const Run& run)
{
    QStringList parts;
    for (const StepRecord& s : run.steps)
        parts.append(toKey(s.id) + QLatin1Char('=') + toKey(s.status));
    return parts.join(QLatin1Char(' '));
}

/// The client lines the engine recorded, as bytes, to compare with what a server received.
inline QList<QByteArray> clientLinesOf(const Run& run)
{
    QList<QByteArray> lines;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir == 'C')
            lines.append(e.text.toUtf8());
    }
    return lines;
}

/// The server lines of a run: the ones the engine used, or (`discarded`) the ones it dropped.
inline QStringList serverTextsOf(const Run& run, bool discarded)
{
    QStringList lines;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir == 'S' && e.discarded == discarded)
            lines.append(e.text);
    }
    return lines;
}

/// Transcript, step summaries and findings of a run, for a failure message.
inline QString dump(const Run& run)
{
    QString out;
    for (const TranscriptEntry& e : run.transcript)
        out +=
            QStringLiteral("\n  %1 %2 [%3] %4").arg(e.tMs).arg(QLatin1Char(e.dir)).arg(toKey(e.step), e.text);
    for (const StepRecord& s : run.steps)
        out += QStringLiteral("\n  step %1: %2").arg(toKey(s.id), s.summary);
    for (const Finding& f : run.findings)
        out += QStringLiteral("\n  finding %1: %2").arg(f.id, f.detail);
    return out;
}

/// {"EHLO x", "QUIT"} as the QList<QByteArray> FakeMailServer::receivedLines() returns.
inline QList<QByteArray> bytesList(std::initializer_list<const char*> lines)
{
    QList<QByteArray> out;
    for (const char* l : lines)
        out.append(QByteArray(l));
    return out;
}
