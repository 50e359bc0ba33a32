#include "FindingsPanel.h"

#include "FindingsModel.h"
#include "HtmlStyle.h"
#include "UiStyle.h"

#include <QListView>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

using namespace HtmlStyle;

FindingsPanel::FindingsPanel(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("findingsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("findingsSplitter"));
    splitter->setChildrenCollapsible(false);
    m_model = new FindingsModel(this);
    m_list = new QListView(splitter);
    m_list->setObjectName(QStringLiteral("findingsList"));
    m_list->setAccessibleName(tr("Findings"));
    m_list->setModel(m_model);
    m_list->setIconSize(QSize(20, 20));
    m_list->setUniformItemSizes(true);
    m_list->setSpacing(2);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_details = new QTextBrowser(splitter);
    m_details->setObjectName(QStringLiteral("findingDetails"));
    m_details->setAccessibleName(tr("Finding details"));
    m_details->setOpenExternalLinks(true);
    m_details->document()->setDocumentMargin(10);
    splitter->addWidget(m_list);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({110, 330});
    layout->addWidget(splitter);

    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                showDetails();
                const int step = current.data(FindingsModel::StepIdRole).toInt();
                if (current.isValid() && step >= 0)
                    Q_EMIT stepRequested(StepId(step));
            });
    showDetails();
}

void FindingsPanel::setRun(const Run* run)
{
    m_run = run;
    m_finished = false;
    m_model->setRun(run);
    showDetails();
}

void FindingsPanel::onFindingAdded(int index)
{
    m_model->onFindingAdded(index);
    if (!m_list->currentIndex().isValid())
        showDetails();
}

void FindingsPanel::onFinished()
{
    m_finished = true;
    if (!m_list->currentIndex().isValid() && m_model->rowCount() > 0) {
        // Show the most severe finding's explanation without stealing the step selection.
        const QSignalBlocker block(m_list->selectionModel());
        m_list->setCurrentIndex(m_model->index(0));
    }
    showDetails();
}

void FindingsPanel::selectRow(int row) { m_list->setCurrentIndex(m_model->index(row)); }

QString FindingsPanel::detailText() const { return m_details->toPlainText(); }

void FindingsPanel::showDetails()
{
    const QPalette pal = palette();
    m_details->document()->setDefaultStyleSheet(HtmlStyle::styleSheet(pal));
    const Finding* f = m_model->finding(m_list->currentIndex().row());
    if (!f) {
        QString text;
        if (m_model->rowCount() > 0)
            text = tr("Select a finding to read what it means and what to do.");
        else if (m_finished && m_run && !m_run->aborted)
            text = tr("Nothing to report: Mailscope found no problem in this conversation.");
        else
            text = tr("Findings appear here as Mailscope discovers them.");
        m_details->setHtml(QStringLiteral("<p class=\"muted\">%1</p>").arg(escape(text)));
        m_list->viewport()->update();
        return;
    }
    const QColor c = UiStyle::forSeverity(f->severity, pal);
    const QString iconName = f->severity == Severity::Critical  ? QStringLiteral("severity-critical")
                             : f->severity == Severity::Warning ? QStringLiteral("severity-warning")
                                                                : QStringLiteral("severity-info");
    QString html;
    html += QStringLiteral("<h2 style=\"color:%1\">%2&nbsp;%3</h2>")
                .arg(colour(c), icon(iconName, 22), escape(f->title));
    QStringList meta {QStringLiteral("<b style=\"color:%1\">%2</b>")
                          .arg(colour(c), escape(UiStyle::severityText(f->severity))),
                      QStringLiteral("<span class=\"mono\">%1</span>").arg(escape(f->id))};
    if (f->step && m_run)
        meta.append(escape(tr("step: %1").arg(UiStyle::stepTitle(*f->step, m_run->target.protocol))));
    html += QStringLiteral("<p class=\"muted\">%1</p>").arg(meta.join(QStringLiteral(" · ")));
    const QStringList paragraphs = f->explanation.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString& p : paragraphs)
        html += QStringLiteral("<p>%1</p>").arg(escape(p));
    if (!f->detail.isEmpty())
        html += QStringLiteral("<p><b>%1</b><br><span class=\"mono\">%2</span></p>")
                    .arg(escape(tr("Evidence")), escape(f->detail));
    if (!f->reference.isEmpty())
        html +=
            QStringLiteral("<p><b>%1</b> %2</p>").arg(escape(tr("Reference:")), referenceLinks(f->reference));
    m_details->setHtml(html);
}
