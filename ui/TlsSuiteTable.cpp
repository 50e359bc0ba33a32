#include "TlsSuiteTable.h"

#include "HtmlStyle.h"
#include "tls/SuiteRating.h"
#include "UiStyle.h"

using namespace HtmlStyle;

namespace {

struct Look
{
    QString icon;
    QColor colour;
};

Look lookOf(const std::optional<SuiteClass>& rating, const QPalette& pal)
{
    if (!rating)
        return {QStringLiteral("status-skipped"), UiStyle::muted(pal)};
    switch (*rating) {
    case SuiteClass::Insecure:
        return {QStringLiteral("severity-critical"), UiStyle::danger(pal)};
    case SuiteClass::Weak:
        return {QStringLiteral("severity-warning"), UiStyle::warning(pal)};
    case SuiteClass::Acceptable:
        return {QStringLiteral("status-ok"), UiStyle::muted(pal)};
    case SuiteClass::Recommended:
        return {QStringLiteral("status-ok"), UiStyle::success(pal)};
    }
    return {};
}

} // namespace

QString TlsSuiteTable::html(const Run& run, const QPalette& pal)
{
    const TlsAuditInfo audit = run.tlsAudit.value_or(TlsAuditInfo());
    QStringList versions = run.ciphers.keys();
    for (const QString& v : audit.suites.keys()) {
        if (!versions.contains(v))
            versions.append(v);
    }
    versions.sort();
    if (versions.isEmpty())
        return {};
    const auto ratingWord = [](const std::optional<SuiteClass>& r) {
        if (!r)
            return tr("unknown");
        switch (*r) {
        case SuiteClass::Insecure:
            return tr("insecure");
        case SuiteClass::Weak:
            return tr("weak");
        case SuiteClass::Acceptable:
            return tr("acceptable");
        case SuiteClass::Recommended:
            return tr("recommended");
        }
        return QString();
    };

    QString html = QStringLiteral("<h3>%1</h3>").arg(escape(tr("Accepted ciphers")));
    for (const QString& version : std::as_const(versions)) {
        const bool rated = audit.suites.contains(version);
        const QList<AcceptedSuite> suites = audit.suites.value(version);
        const QStringList names = run.ciphers.value(version);
        const qsizetype count = rated ? suites.size() : names.size();
        const QString order = audit.cipherOrder.value(version);
        const QString orderText = order == QLatin1String("server") ? tr("in the server's order of preference")
                                  : order == QLatin1String("client")
                                      ? tr("the server follows the client's order")
                                      : QString();
        html += QStringLiteral("<p><b>%1</b> — %2%3</p>")
                    .arg(escape(version), escape(count == 1 ? tr("1 cipher") : tr("%1 ciphers").arg(count)),
                         orderText.isEmpty() ? QString() : escape(QStringLiteral(", ") + orderText));
        if (!rated) {
            // A report saved before suites were recorded: names, weak ones with their note.
            const QStringList weak = audit.weakCiphers.value(version);
            html += QStringLiteral("<table>");
            for (int i = 0; i < names.size(); ++i) {
                const QString& cipher = names.at(i);
                QString reason;
                for (const QString& w : weak) {
                    if (w.startsWith(cipher + QLatin1String(" (")))
                        reason = w.mid(cipher.size() + 2).chopped(1);
                }
                html += QStringLiteral("<tr><td align=\"right\">%1.</td><td class=\"mono\">%2</td>%3</tr>")
                            .arg(i + 1)
                            .arg(escape(cipher),
                                 reason.isEmpty() ? QStringLiteral("<td></td>")
                                                  : QStringLiteral("<td style=\"color:%1\">%2&nbsp;%3</td>")
                                                        .arg(colour(UiStyle::warning(pal)),
                                                             icon(QStringLiteral("severity-warning")),
                                                             escape(tr("weak: %1").arg(reason))));
            }
            html += QStringLiteral("</table>");
            continue;
        }
        html += QStringLiteral(
                    "<table class=\"grid\" width=\"100%\"><tr><td></td><td><b>%1</b></td><td><b>%2</b></td>"
                    "<td><b>%3</b></td><td><b>%4</b></td><td><b>%5</b></td></tr>")
                    .arg(escape(tr("Suite")), escape(tr("Rating")), escape(tr("Key exchange")),
                         escape(tr("Encryption")), escape(tr("Why")));
        for (int i = 0; i < suites.size(); ++i) {
            const RatedSuite r = SuiteRating::rate(suites.at(i), version);
            const Look look = lookOf(r.rating, pal);
            QString kx;
            QString encryption;
            QString tip = r.code;
            if (r.info) {
                kx = QStringLiteral("%1/%2").arg(QLatin1String(r.info->keyExchange),
                                                 QLatin1String(r.info->authentication));
                encryption = QStringLiteral("%1 %2").arg(QLatin1String(r.info->encryption)).arg(r.info->bits);
                tip = QStringLiteral("%1 (%2)").arg(QLatin1String(r.info->ianaName), r.code);
            }
            if (r.suite.dhBits > 0)
                kx += QLatin1Char(' ') + tr("%1-bit DH").arg(r.suite.dhBits);
            if (!r.suite.group.isEmpty())
                kx += QLatin1Char(' ') + r.suite.group;
            const bool flagged = r.rating && *r.rating <= SuiteClass::Weak;
            html += QStringLiteral("<tr><td align=\"right\">%1.</td>"
                                   "<td><span class=\"mono\" title=\"%2\">%3</span></td>"
                                   "<td style=\"color:%4\" nowrap>%5&nbsp;<b>%6</b></td>"
                                   "<td>%7</td><td>%8</td><td%9>%10</td></tr>")
                        .arg(QString::number(i + 1), escape(tip), escape(r.name), colour(look.colour),
                             icon(look.icon), escape(ratingWord(r.rating)), escape(kx), escape(encryption),
                             flagged ? QStringLiteral(" style=\"color:%1\"").arg(colour(look.colour))
                                     : QStringLiteral(" class=\"muted\""),
                             escape(r.reasons.join(QStringLiteral("; "))));
        }
        html += QStringLiteral("</table>");
        if (const QStringList groups = audit.groups.value(version); !groups.isEmpty()) {
            QStringList parts;
            for (const QString& g : groups) {
                const QString why = SuiteRating::groupWeakness(g);
                parts.append(why.isEmpty()
                                 ? escape(g)
                                 : QStringLiteral("<span style=\"color:%1\" title=\"%2\">%3&nbsp;%4</span>")
                                       .arg(colour(UiStyle::warning(pal)), escape(why),
                                            icon(QStringLiteral("severity-warning")), escape(g)));
            }
            html += QStringLiteral("<p class=\"muted\">%1 %2</p>")
                        .arg(escape(tr("Key-exchange groups accepted:")), parts.join(QStringLiteral(", ")));
        }
    }
    return html;
}
