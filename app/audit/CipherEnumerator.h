#pragma once

#include "tls/CipherSuites.h"

#include <functional>
#include <QObject>
#include <QSet>
#include <QStringList>

class TlsProbePool;
struct ProbeOutcome;

/**
 * Finds the cipher suites a server accepts with one TLS version, and its order of preference.
 *
 * TLS 1.3: each of the five suites is offered alone (five probes at once).
 * TLS 1.2 and older: the locally available suites are dealt into up to eight chains that run at
 * once; each chain offers all its remaining suites, removes the one the server picked, and offers
 * the rest again until the server refuses them all. That costs (accepted + chains) probes instead
 * of one per candidate, in about accepted/8 + 1 rounds.
 *
 * Order: the accepted list is offered once strongest-first and once reversed, at the same time.
 * The server picking the first of each means it follows the client ("client"); picking the same
 * one both times means it imposes its own order ("server"), which is then read off by offering
 * the remaining suites again and again (one sequential probe per accepted suite).
 */
class CipherEnumerator final : public QObject
{
    Q_OBJECT

public:
    static constexpr int Chains = 8;

    CipherEnumerator(TlsVersion version, TlsProbePool* pool, QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(CipherEnumerator)

    void start();
    TlsVersion version() const { return m_version; }
    bool isFinished() const { return m_finished; }
    /// Accepted suites: in the server's order when it has one, else strongest first.
    QStringList accepted() const { return m_ordered; }
    /// "server", "client" or "unknown".
    QString order() const { return m_order; }
    /// Probes that failed for other reasons than a refusal (connection problems), with why.
    QStringList problems() const { return m_problems; }

Q_SIGNALS:
    void finished();

private:
    void offer(const QStringList& suites, std::function<void(const ProbeOutcome&)> done);
    void runChain(QStringList remaining);
    void chainDone();
    void determineOrder();
    void readServerOrder(QStringList remaining);
    void finish();
    QStringList strongestFirst(QStringList suites) const;

    TlsVersion m_version;
    TlsProbePool* m_pool;
    QStringList m_candidates;
    QSet<QString> m_accepted;
    QStringList m_ordered;
    QString m_order = QStringLiteral("unknown");
    QStringList m_problems;
    int m_chainsRunning = 0;
    bool m_finished = false;
};
