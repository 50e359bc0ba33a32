#pragma once

// Small helpers the engine tests share: run a session to its end, and read a Run back.

#include "run/Run.h"
#include "session/ProbeSession.h"

#include <algorithm>
#include <QSignalSpy>
#include <QTest>

/// The finding ids of a run, in the order they were found.
inline QStringList findingIds(const Run& run)
{
    QStringList ids;
    for (const Finding& f : run.findings)
        ids.append(f.id);
    return ids;
}

/// The finding ids of a run, sorted (for comparing sets).
inline QStringList sortedFindingIds(const Run& run)
{
    QStringList ids = findingIds(run);
    ids.sort();
    return ids;
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
