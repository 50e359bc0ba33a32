// mailscope-delayproxy: a TCP proxy on 127.0.0.1 that adds a fixed one-way delay in each direction
// and counts "flights" (bursts of data in one direction after data in the other), so that a
// benchmark can show wall time and round trips on loopback as if the server were far away.
//
//   mailscope-delayproxy --target 127.0.0.1:PORT --delay-ms 50 [--listen PORT] [--bind 127.0.0.X]
//                        [--stats FILE]
// prints "listening PORT" on stdout; appends one JSON line per finished connection to FILE.

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QQueue>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace {

/// One direction of a proxied connection: data is released `delayMs` after it arrived, in order.
class DelayedPipe final : public QObject
{
public:
    DelayedPipe(QTcpSocket* from, QTcpSocket* to, int delayMs, QObject* parent)
        : QObject(parent)
        , m_to(to)
        , m_delayMs(delayMs)
    {
        m_clock.start();
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, &DelayedPipe::release);
        connect(from, &QTcpSocket::readyRead, this, [this, from] { pull(from); });
    }

    /// Queues what `from` has buffered. Also called when it disconnects: bytes that came with
    /// the close (a TLS alert right before the server hangs up) may not have had their
    /// readyRead() yet, and must not be lost.
    void pull(QTcpSocket* from)
    {
        const QByteArray bytes = from->readAll();
        if (bytes.isEmpty())
            return;
        m_queue.enqueue({m_clock.elapsed() + m_delayMs, bytes});
        if (!m_timer.isActive())
            m_timer.start(m_delayMs);
        dataSeen();
    }

    bool idle() const { return m_queue.isEmpty(); }
    std::function<void()> dataSeen = [] {};

private:
    struct Chunk
    {
        qint64 due;
        QByteArray bytes;
    };

    void release()
    {
        while (!m_queue.isEmpty() && m_queue.head().due <= m_clock.elapsed()) {
            if (m_to)
                m_to->write(m_queue.dequeue().bytes);
            else
                m_queue.dequeue();
        }
        if (!m_queue.isEmpty())
            m_timer.start(int(std::max<qint64>(0, m_queue.head().due - m_clock.elapsed())));
        else if (onDrained)
            onDrained();
    }

public:
    std::function<void()> onDrained;

private:
    QPointer<QTcpSocket> m_to;
    int m_delayMs;
    QElapsedTimer m_clock;
    QTimer m_timer;
    QQueue<Chunk> m_queue;
};

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption target(QStringLiteral("target"), QStringLiteral("127.0.0.1:PORT to forward to."),
                                    QStringLiteral("host:port"));
    const QCommandLineOption delay(QStringLiteral("delay-ms"), QStringLiteral("One-way delay."),
                                   QStringLiteral("ms"), QStringLiteral("50"));
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("Port to listen on (0: any)."),
                                    QStringLiteral("port"), QStringLiteral("0"));
    const QCommandLineOption stats(
        QStringLiteral("stats"), QStringLiteral("Append per-connection JSON here."), QStringLiteral("file"));
    // Several "hosts" on one port (the domain benchmark's MX hosts): any loopback address.
    const QCommandLineOption bind(QStringLiteral("bind"), QStringLiteral("Loopback address to listen on."),
                                  QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    parser.addOptions({target, delay, listen, bind, stats});
    parser.process(app);

    const QString hostPort = parser.value(target);
    const QHostAddress upstreamHost(hostPort.section(QLatin1Char(':'), 0, 0));
    const quint16 upstreamPort = quint16(hostPort.section(QLatin1Char(':'), 1).toUInt());
    // Network safety: this tool only ever forwards to loopback.
    if (!upstreamHost.isLoopback() || upstreamPort == 0) {
        std::fprintf(stderr, "mailscope-delayproxy: --target must be a loopback address with a port\n");
        return 2;
    }
    const int delayMs = parser.value(delay).toInt();
    const QString statsFile = parser.value(stats);

    const QHostAddress bindAddress(parser.value(bind));
    if (!bindAddress.isLoopback()) {
        std::fprintf(stderr, "mailscope-delayproxy: --bind must be a loopback address\n");
        return 2;
    }
    QTcpServer server;
    if (!server.listen(bindAddress, quint16(parser.value(listen).toUInt()))) {
        std::fprintf(stderr, "mailscope-delayproxy: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    std::printf("listening %u\n", server.serverPort());
    std::fflush(stdout);

    QObject::connect(&server, &QTcpServer::newConnection, &server, [&] {
        while (QTcpSocket* client = server.nextPendingConnection()) {
            auto* upstream = new QTcpSocket(client);
            auto* up = new DelayedPipe(client, upstream, delayMs, client);
            auto* down = new DelayedPipe(upstream, client, delayMs, client);
            // Flight counting: a new flight starts when a direction sends after the other did.
            auto counts = std::make_shared<QJsonObject>();
            auto last = std::make_shared<char>(0);
            auto clock = std::make_shared<QElapsedTimer>();
            clock->start();
            auto bump = [counts, last](char dir) {
                if (*last != dir) {
                    const QString key =
                        dir == 'C' ? QStringLiteral("client_flights") : QStringLiteral("server_flights");
                    (*counts)[key] = (*counts)[key].toInt() + 1;
                    *last = dir;
                }
            };
            up->dataSeen = [bump] { bump('C'); };
            down->dataSeen = [bump] { bump('S'); };
            auto finish = [counts, clock, statsFile, client] {
                if (client->property("reported").toBool())
                    return;
                client->setProperty("reported", true);
                (*counts)[QStringLiteral("duration_ms")] = clock->elapsed();
                if (!statsFile.isEmpty()) {
                    QFile f(statsFile);
                    if (f.open(QIODevice::Append))
                        f.write(QJsonDocument(*counts).toJson(QJsonDocument::Compact) + '\n');
                }
                client->deleteLater();
            };
            // Closing is delayed like data, and only after pending data went through.
            QObject::connect(client, &QTcpSocket::disconnected, client, [=] {
                up->pull(client);
                QTimer::singleShot(delayMs, upstream, [=] {
                    upstream->flush(); // what was just released must not die with the socket
                    upstream->disconnectFromHost();
                    finish();
                });
            });
            QObject::connect(upstream, &QTcpSocket::disconnected, client, [=] {
                down->pull(upstream);
                auto close = [=] {
                    // The last chunk (a TLS alert before the server hung up) was written just
                    // now: flush it before the socket is closed and deleted.
                    client->flush();
                    client->disconnectFromHost();
                    finish();
                };
                if (down->idle())
                    QTimer::singleShot(delayMs, client, close);
                else
                    down->onDrained = close;
            });
            upstream->connectToHost(upstreamHost, upstreamPort);
        }
    });
    return app.exec();
}
