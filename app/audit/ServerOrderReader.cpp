#include "ServerOrderReader.h"

#include <algorithm>
#include <memory>
#include <QHash>

ServerOrderReader::ServerOrderReader(QList<quint16> suites, std::optional<quint16> top, Offer offer,
                                     QObject* parent)
    : QObject(parent)
    , m_prior(std::move(suites))
    , m_top(top)
    , m_offer(std::move(offer))
{
    if (m_top && !m_prior.contains(*m_top))
        m_top.reset();
}

void ServerOrderReader::start()
{
    if (m_started)
        return;
    m_started = true;
    QList<quint16> rest = m_prior;
    QList<quint16> head;
    if (m_top) {
        rest.removeAll(*m_top);
        head = {*m_top};
    }
    if (m_sequential) {
        readSequentially(rest, head, 0);
        return;
    }
    sort(rest, 0, [this, head](const QList<quint16>& sorted) { complete(head + sorted); });
}

void ServerOrderReader::ask(const QList<quint16>& suites, int depth,
                            std::function<void(std::optional<quint16>)> then)
{
    ++m_probes;
    m_rounds = std::max(m_rounds, depth + 1);
    m_offer(suites, [this, suites, then = std::move(then)](std::optional<quint16> pick,
                                                           const QString& problem) {
        if (m_finished)
            return;
        if (!pick || !suites.contains(*pick)) {
            m_problems.append(
                problem.isEmpty() ? tr("no choice among %n suite(s)", nullptr, int(suites.size())) : problem);
            then(std::nullopt);
            return;
        }
        then(pick);
    });
}

void ServerOrderReader::sort(QList<quint16> items, int depth, Sorted done)
{
    if (items.size() <= 1)
        done(items);
    else if (items.size() <= 4)
        sortByPairs(items, depth, std::move(done));
    else
        partition(items, depth, std::move(done));
}

void ServerOrderReader::sortByPairs(const QList<quint16>& items, int depth, Sorted done)
{
    // Every pair at once: in a total order the k items win k-1, k-2 ... 0 of their pairs.
    auto wins = std::make_shared<QHash<quint16, int>>();
    auto pending = std::make_shared<int>(int(items.size() * (items.size() - 1) / 2));
    for (qsizetype i = 0; i < items.size(); ++i) {
        for (qsizetype j = i + 1; j < items.size(); ++j) {
            const quint16 a = items.at(i);
            ask({a, items.at(j)}, depth, [items, wins, pending, a, done](std::optional<quint16> pick) {
                // No pick: the order is unknown anyway (problems()); count it for the first.
                ++(*wins)[pick.value_or(a)];
                if (--*pending > 0)
                    return;
                QList<quint16> sorted = items;
                std::stable_sort(sorted.begin(), sorted.end(),
                                 [&](quint16 x, quint16 y) { return wins->value(x) > wins->value(y); });
                done(sorted);
            });
        }
    }
}

void ServerOrderReader::partition(const QList<quint16>& items, int depth, Sorted done)
{
    // The middle of the prior order splits best when the prior is close to the server's.
    const quint16 pivot = items.at(items.size() / 2);
    QList<quint16> others = items;
    others.removeAt(items.size() / 2);
    auto above = std::make_shared<QList<bool>>(others.size(), false);
    auto pending = std::make_shared<int>(int(others.size()));
    for (qsizetype i = 0; i < others.size(); ++i) {
        const quint16 x = others.at(i);
        ask({pivot, x}, depth,
            [this, others, above, pending, pivot, x, i, depth, done](std::optional<quint16> pick) {
                (*above)[i] = pick == x;
                if (--*pending > 0)
                    return;
                QList<quint16> upper;
                QList<quint16> lower;
                for (qsizetype k = 0; k < others.size(); ++k)
                    (above->at(k) ? upper : lower).append(others.at(k));
                // Both halves at once; the whole is known when both are.
                auto halves = std::make_shared<
                    std::pair<std::optional<QList<quint16>>, std::optional<QList<quint16>>>>();
                const auto join = [halves, pivot, done] {
                    if (halves->first && halves->second)
                        done(*halves->first + QList<quint16> {pivot} + *halves->second);
                };
                sort(upper, depth + 1, [halves, join](const QList<quint16>& sorted) {
                    halves->first = sorted;
                    join();
                });
                sort(lower, depth + 1, [halves, join](const QList<quint16>& sorted) {
                    halves->second = sorted;
                    join();
                });
            });
    }
}

void ServerOrderReader::readSequentially(QList<quint16> remaining, QList<quint16> known, int depth)
{
    if (remaining.size() <= 1) {
        complete(known + remaining);
        return;
    }
    ask(remaining, depth, [this, remaining, known, depth](std::optional<quint16> pick) mutable {
        if (!pick) {
            complete(known + remaining);
            return;
        }
        known.append(*pick);
        remaining.removeAll(*pick);
        readSequentially(remaining, known, depth + 1);
    });
}

void ServerOrderReader::complete(const QList<quint16>& order)
{
    if (m_finished)
        return;
    m_order = order;
    m_finished = true;
    Q_EMIT finished();
}
