#include "CipherEnumerator.h"

#include "TlsProbePool.h"

#include <algorithm>
#include <memory>

CipherEnumerator::CipherEnumerator(TlsVersion version, TlsProbePool* pool, QObject* parent)
    : QObject(parent)
    , m_version(version)
    , m_pool(pool)
    , m_candidates(CipherSuites::candidates(version))
{
}

void CipherEnumerator::offer(const QStringList& suites, std::function<void(const ProbeOutcome&)> done)
{
    TlsClientOptions tls;
    tls.protocol = CipherSuites::qtProtocol(m_version);
    if (m_version == TlsVersion::V1_3)
        tls.backendCipherSuites = suites.join(QLatin1Char(':'));
    else
        tls.backendCipherString = CipherSuites::cipherString(suites);
    m_pool->submit(tls, std::move(done));
}

void CipherEnumerator::start()
{
    if (m_candidates.isEmpty()) {
        finish();
        return;
    }
    if (m_version == TlsVersion::V1_3) {
        m_chainsRunning = int(m_candidates.size());
        for (const QString& suite : std::as_const(m_candidates)) {
            offer({suite}, [this, suite](const ProbeOutcome& o) {
                if (o.kind == ProbeOutcome::Kind::Accepted && o.cipher == suite)
                    m_accepted.insert(suite);
                else if (o.kind == ProbeOutcome::Kind::Failed)
                    m_problems.append(o.detail);
                chainDone();
            });
        }
        return;
    }
    // Deal round-robin, so that every chain gets strong and weak suites alike.
    const int chains = std::min(Chains, int(m_candidates.size()));
    QList<QStringList> dealt(chains);
    for (int i = 0; i < m_candidates.size(); ++i)
        dealt[i % chains].append(m_candidates.at(i));
    m_chainsRunning = chains;
    for (const QStringList& chain : std::as_const(dealt))
        runChain(chain);
}

void CipherEnumerator::runChain(QStringList remaining)
{
    offer(remaining, [this, remaining](const ProbeOutcome& o) mutable {
        if (o.kind == ProbeOutcome::Kind::Accepted && remaining.contains(o.cipher)) {
            m_accepted.insert(o.cipher);
            remaining.removeAll(o.cipher);
            if (!remaining.isEmpty()) {
                runChain(remaining);
                return;
            }
        } else if (o.kind == ProbeOutcome::Kind::Failed) {
            m_problems.append(o.detail);
        }
        chainDone();
    });
}

void CipherEnumerator::chainDone()
{
    if (--m_chainsRunning > 0)
        return;
    determineOrder();
}

QStringList CipherEnumerator::strongestFirst(QStringList suites) const
{
    // The candidates are in the library's order of strength.
    std::sort(suites.begin(), suites.end(), [this](const QString& a, const QString& b) {
        return m_candidates.indexOf(a) < m_candidates.indexOf(b);
    });
    return suites;
}

void CipherEnumerator::determineOrder()
{
    const QStringList list = strongestFirst(QStringList(m_accepted.cbegin(), m_accepted.cend()));
    m_ordered = list;
    if (list.size() < 2) {
        finish();
        return;
    }
    QStringList reversed = list;
    std::reverse(reversed.begin(), reversed.end());
    auto picks = std::make_shared<QStringList>(QStringList {QString(), QString()});
    auto pending = std::make_shared<int>(2);
    const auto both = [this, list, picks, pending] {
        if (--*pending > 0)
            return;
        const QString& forward = picks->at(0);
        const QString& backward = picks->at(1);
        if (forward == list.first() && backward == list.last()) {
            m_order = QStringLiteral("client");
            finish();
        } else if (!forward.isEmpty() && forward == backward) {
            m_order = QStringLiteral("server");
            m_ordered = {forward};
            QStringList rest = list;
            rest.removeAll(forward);
            readServerOrder(rest);
        } else {
            finish();
        }
    };
    offer(list, [picks, both](const ProbeOutcome& o) {
        (*picks)[0] = o.kind == ProbeOutcome::Kind::Accepted ? o.cipher : QString();
        both();
    });
    offer(reversed, [picks, both](const ProbeOutcome& o) {
        (*picks)[1] = o.kind == ProbeOutcome::Kind::Accepted ? o.cipher : QString();
        both();
    });
}

void CipherEnumerator::readServerOrder(QStringList remaining)
{
    if (remaining.size() <= 1) {
        m_ordered += remaining;
        finish();
        return;
    }
    offer(remaining, [this, remaining](const ProbeOutcome& o) mutable {
        if (o.kind != ProbeOutcome::Kind::Accepted || !remaining.contains(o.cipher)) {
            // The server stopped answering consistently: keep what is known, in strength order.
            m_ordered += strongestFirst(remaining);
            m_order = QStringLiteral("unknown");
            finish();
            return;
        }
        m_ordered.append(o.cipher);
        remaining.removeAll(o.cipher);
        readServerOrder(remaining);
    });
}

void CipherEnumerator::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished();
}
