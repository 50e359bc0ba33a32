#include "UiStyle.h"

#include <memory>
#include <QApplication>
#include <QCoreApplication>
#include <QFontDatabase>
#include <QHash>
#include <QIconEngine>
#include <QImage>
#include <QPainter>
#include <QPixmap>
#include <QStyle>
#include <QStyleOption>
#include <QSvgRenderer>

static void initMailscopeResources() { Q_INIT_RESOURCE(mailscope); }

namespace {

QColor pick(const QPalette& palette, const char* light, const char* dark)
{
    return QColor::fromString(QLatin1String(UiStyle::isDark(palette) ? dark : light));
}

QColor blend(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

QString tr(const char* text) { return QCoreApplication::translate("UiStyle", text); }

/**
 * An SVG icon that costs nothing until it is drawn: the file is parsed on the first paint and
 * each size is rendered once and cached. Unlike QIcon(":/x.svg"), which loads the SVG
 * icon-engine plugin and parses the file as soon as the icon is made, this keeps icons that are
 * not on screen (menus, hidden tabs, statuses not reached yet) off the start-up path.
 */
class SvgIconEngine final : public QIconEngine
{
public:
    explicit SvgIconEngine(const QString& path)
        : m_data(std::make_shared<Data>())
    {
        m_data->path = path;
    }

    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State state) override
    {
        const qreal dpr =
            painter->device() ? painter->device()->devicePixelRatio() : qApp->devicePixelRatio();
        QPixmap pm = pixmap(rect.size() * dpr, mode, state);
        pm.setDevicePixelRatio(dpr);
        painter->drawPixmap(rect, pm);
    }

    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        Q_UNUSED(state)
        if (size.isEmpty())
            return {};
        QPixmap pm = rendered(size);
        if (mode == QIcon::Normal)
            return pm;
        // Disabled, active, selected: the style's usual treatment of the normal pixmap, made
        // afresh each time because it follows the current palette.
        QStyleOption option;
        option.palette = QGuiApplication::palette();
        const QPixmap generated = QApplication::style()->generatedIconPixmap(mode, pm, &option);
        return generated.isNull() ? pm : generated;
    }

    QSize actualSize(const QSize& size, QIcon::Mode, QIcon::State) override { return size; }
    QIconEngine* clone() const override { return new SvgIconEngine(*this); }
    QString key() const override { return QStringLiteral("mailscope-svg"); }

private:
    /// The drawing at `size` device pixels, rendered once per size.
    QPixmap rendered(const QSize& size)
    {
        const quint64 key = (quint64(quint32(size.width())) << 32) | quint32(size.height());
        if (const auto it = m_data->pixmaps.constFind(key); it != m_data->pixmaps.cend())
            return *it;
        if (!m_data->renderer)
            m_data->renderer = std::make_unique<QSvgRenderer>(m_data->path);
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        if (m_data->renderer->isValid()) {
            // Keep the drawing's aspect ratio, centred, as Qt's SVG icon engine does.
            QSizeF drawn = m_data->renderer->defaultSize();
            drawn.scale(QSizeF(size), Qt::KeepAspectRatio);
            const QRectF target(
                QPointF((size.width() - drawn.width()) / 2, (size.height() - drawn.height()) / 2), drawn);
            QPainter painter(&image);
            m_data->renderer->render(&painter, target);
        }
        const QPixmap pm = QPixmap::fromImage(std::move(image));
        m_data->pixmaps.insert(key, pm);
        return pm;
    }

    struct Data
    {
        QString path;
        std::unique_ptr<QSvgRenderer> renderer;
        QHash<quint64, QPixmap> pixmaps;
    };
    std::shared_ptr<Data> m_data;
};

} // namespace

void UiStyle::initResources()
{
    static bool done = false;
    if (!done) {
        done = true;
        initMailscopeResources();
    }
}

bool UiStyle::isDark(const QPalette& palette) { return palette.color(QPalette::Base).lightness() < 128; }

QColor UiStyle::success(const QPalette& p) { return pick(p, "#1d7a3a", "#5fd283"); }
QColor UiStyle::warning(const QPalette& p) { return pick(p, "#935f00", "#f2bb4a"); }
QColor UiStyle::danger(const QPalette& p) { return pick(p, "#c0262d", "#ff7b7b"); }
QColor UiStyle::accent(const QPalette& p) { return pick(p, "#1f63b8", "#7ab0ff"); }

QColor UiStyle::muted(const QPalette& p)
{
    return blend(p.color(QPalette::Text), p.color(QPalette::Base), 0.42);
}

QColor UiStyle::tint(const QColor& colour, const QPalette& palette, qreal strength)
{
    return blend(palette.color(QPalette::Base), colour, strength);
}

QColor UiStyle::clientText(const QPalette& p) { return pick(p, "#1f55a8", "#8cbcff"); }
QColor UiStyle::serverText(const QPalette& p) { return p.color(QPalette::Text); }

QColor UiStyle::forStatus(StepStatus status, const QPalette& p)
{
    switch (status) {
    case StepStatus::Ok:
        return success(p);
    case StepStatus::Warning:
        return warning(p);
    case StepStatus::Failed:
        return danger(p);
    case StepStatus::Running:
        return accent(p);
    case StepStatus::Pending:
    case StepStatus::Skipped:
        break;
    }
    return muted(p);
}

QColor UiStyle::forSeverity(Severity severity, const QPalette& p)
{
    switch (severity) {
    case Severity::Critical:
        return danger(p);
    case Severity::Warning:
        return warning(p);
    case Severity::Info:
        break;
    }
    return accent(p);
}

QColor UiStyle::forVerdict(Verdict verdict, const QPalette& p)
{
    switch (verdict) {
    case Verdict::Ok:
        return success(p);
    case Verdict::Warning:
        return warning(p);
    case Verdict::Critical:
        return danger(p);
    case Verdict::Unknown:
        break;
    }
    return muted(p);
}

QIcon UiStyle::icon(const QString& name)
{
    static QHash<QString, QIcon> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        initResources();
        it = cache.insert(name, QIcon(new SvgIconEngine(QStringLiteral(":/icons/%1.svg").arg(name))));
    }
    return *it;
}

QIcon UiStyle::statusIcon(StepStatus status)
{
    switch (status) {
    case StepStatus::Pending:
        return icon(QStringLiteral("status-pending"));
    case StepStatus::Running:
        return icon(QStringLiteral("status-running"));
    case StepStatus::Ok:
        return icon(QStringLiteral("status-ok"));
    case StepStatus::Warning:
        return icon(QStringLiteral("status-warning"));
    case StepStatus::Failed:
        return icon(QStringLiteral("status-failed"));
    case StepStatus::Skipped:
        break;
    }
    return icon(QStringLiteral("status-skipped"));
}

QIcon UiStyle::pausedIcon() { return icon(QStringLiteral("status-paused")); }

QIcon UiStyle::severityIcon(Severity severity)
{
    switch (severity) {
    case Severity::Critical:
        return icon(QStringLiteral("severity-critical"));
    case Severity::Warning:
        return icon(QStringLiteral("severity-warning"));
    case Severity::Info:
        break;
    }
    return icon(QStringLiteral("severity-info"));
}

QIcon UiStyle::verdictIcon(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Ok:
        return icon(QStringLiteral("status-ok"));
    case Verdict::Warning:
        return icon(QStringLiteral("status-warning"));
    case Verdict::Critical:
        return icon(QStringLiteral("severity-critical"));
    case Verdict::Unknown:
        break;
    }
    return icon(QStringLiteral("status-skipped"));
}

QString UiStyle::statusText(StepStatus status)
{
    switch (status) {
    case StepStatus::Pending:
        return tr("Pending");
    case StepStatus::Running:
        return tr("Running");
    case StepStatus::Ok:
        return tr("OK");
    case StepStatus::Warning:
        return tr("Warning");
    case StepStatus::Failed:
        return tr("Failed");
    case StepStatus::Skipped:
        break;
    }
    return tr("Skipped");
}

QString UiStyle::severityText(Severity severity)
{
    switch (severity) {
    case Severity::Critical:
        return tr("Critical");
    case Severity::Warning:
        return tr("Warning");
    case Severity::Info:
        break;
    }
    return tr("Info");
}

QString UiStyle::verdictText(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Ok:
        return tr("OK");
    case Verdict::Warning:
        return tr("Warning");
    case Verdict::Critical:
        return tr("Critical");
    case Verdict::Unknown:
        break;
    }
    return tr("Unknown");
}

QString UiStyle::stepTitle(StepId id, Protocol protocol)
{
    const bool smtp = protocol == Protocol::Smtp;
    switch (id) {
    case StepId::Resolve:
        return tr("Resolve");
    case StepId::Connect:
        return tr("Connect");
    case StepId::TlsHandshake:
        return tr("TLS handshake");
    case StepId::Banner:
        return tr("Banner");
    case StepId::Greeting:
        return smtp ? tr("Greeting (EHLO)") : protocol == Protocol::Imap ? tr("CAPABILITY") : tr("CAPA");
    case StepId::StartTls:
        return protocol == Protocol::Pop3 ? tr("STLS") : tr("STARTTLS");
    case StepId::GreetingTls:
        return smtp ? tr("EHLO over TLS") : tr("Capabilities over TLS");
    case StepId::Auth:
        return tr("Authenticate");
    case StepId::MailFrom:
        return tr("MAIL FROM");
    case StepId::RcptTo:
        return tr("RCPT TO");
    case StepId::Data:
        return tr("DATA");
    case StepId::Quit:
        return protocol == Protocol::Imap ? tr("LOGOUT") : tr("QUIT");
    }
    return toKey(id);
}

QString UiStyle::stepPlan(StepId id, Protocol protocol)
{
    Q_UNUSED(protocol)
    switch (id) {
    case StepId::Resolve:
        return tr("Look up the server's addresses");
    case StepId::Connect:
        return tr("Open a TCP connection");
    case StepId::TlsHandshake:
        return tr("Negotiate TLS and check the certificate");
    case StepId::Banner:
        return tr("Wait for the server's greeting");
    case StepId::Greeting:
        return tr("Ask what the server supports");
    case StepId::StartTls:
        return tr("Ask the server to switch to TLS");
    case StepId::GreetingTls:
        return tr("Ask again over TLS (earlier answers are discarded)");
    case StepId::Auth:
        return tr("Log in");
    case StepId::MailFrom:
    case StepId::RcptTo:
    case StepId::Data:
        return tr("Send the test message");
    case StepId::Quit:
        return tr("Say goodbye and close");
    }
    return {};
}

QString UiStyle::duration(qint64 ms)
{
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    return tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', ms < 10000 ? 2 : 1);
}

QFont UiStyle::monospaceFont()
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSizeF(QApplication::font().pointSizeF());
    return font;
}
