#pragma once

#include <functional>
#include <optional>
#include <QList>
#include <QObject>
#include <QStringList>

/**
 * Reads a server's own order of preference among suites it is known to accept, with probes that
 * offer two suites each (the server picks the one it prefers): a quicksort whose pivot is the
 * middle of the prior order, and whose partitions all run at once. A set of four or fewer is
 * settled by offering every pair of it at once. So n suites take about log2(n) + 1 rounds and
 * n log2(n) probes, where offering what is left again and again takes n - 1 rounds of one probe:
 * through 50 ms of delay, 56 suites in about 2 s instead of 20.
 *
 * When the bound on parallel probes is low (a server that limits connections per client), the
 * probe count decides the time rather than the rounds: then the reader offers the remaining
 * suites again and again (sequential(), one probe per suite).
 *
 * An offer that gets no pick (an alert, no TLS answer, a suite that was not offered) makes the
 * order unknown: consistent() is false and problems() says why; order() then keeps the prior.
 */
class ServerOrderReader final : public QObject
{
    Q_OBJECT

public:
    /// Calls back with the suite the server picked, or none and why not.
    using Answer = std::function<void(std::optional<quint16> pick, const QString& problem)>;
    /// Offers `suites` in one probe (in this order) and answers later, on the event loop.
    using Offer = std::function<void(const QList<quint16>& suites, Answer answer)>;

    /// `suites` in the prior order (e.g. strongest first); `top` the server's first choice when
    /// already known (it picked it from everything it was offered).
    ServerOrderReader(QList<quint16> suites, std::optional<quint16> top, Offer offer,
                      QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(ServerOrderReader)

    /// Offer the remaining suites again and again instead of the parallel sort (see the class).
    void setSequential(bool sequential) { m_sequential = sequential; }
    void start();

    bool isFinished() const { return m_finished; }
    /// Every probe got a pick among what it offered.
    bool consistent() const { return m_problems.isEmpty(); }
    /// The server's order when consistent(), else the prior order.
    QList<quint16> order() const { return consistent() ? m_order : m_prior; }
    QStringList problems() const { return m_problems; }
    int probes() const { return m_probes; }
    /// The longest run of probes that waited for one another.
    int rounds() const { return m_rounds; }

Q_SIGNALS:
    void finished();

private:
    using Sorted = std::function<void(QList<quint16>)>;
    void sort(QList<quint16> items, int depth, Sorted done);
    void sortByPairs(const QList<quint16>& items, int depth, Sorted done);
    void partition(const QList<quint16>& items, int depth, Sorted done);
    void readSequentially(QList<quint16> remaining, QList<quint16> known, int depth);
    void ask(const QList<quint16>& suites, int depth, std::function<void(std::optional<quint16>)> then);
    void complete(const QList<quint16>& order);

    QList<quint16> m_prior;
    std::optional<quint16> m_top;
    Offer m_offer;
    QList<quint16> m_order;
    QStringList m_problems;
    int m_probes = 0;
    int m_rounds = 0;
    bool m_sequential = false;
    bool m_started = false;
    bool m_finished = false;
};
