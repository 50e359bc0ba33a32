#pragma once

#include <QWidget>

class FindBar;
class QLabel;
class QTableView;
class TranscriptModel;

/**
 * The transcript pane: a table (model/view, so very long transcripts stay smooth) with a C:/S:
 * gutter, relative timestamps and the encryption boundary; a find bar (Ctrl+F); copy (Ctrl+C)
 * in the scenario format. Follows the tail while the user is at the bottom.
 */
class TranscriptView final : public QWidget
{
    Q_OBJECT

public:
    explicit TranscriptView(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(TranscriptView)

    void setTranscriptModel(TranscriptModel* model);
    QTableView* table() const { return m_table; }
    /// The find bar (Ctrl+F), made on first use.
    FindBar* findBar();

    /// Selects the lines a step produced and scrolls to them (-1 clears).
    void highlightStep(int stepIndex);
    /// Text of the selected lines, one per line, as "C: ..." / "S: ...".
    QString selectedText() const;

public Q_SLOTS:
    void showFind();
    void copySelection();
    void copyAll();

Q_SIGNALS:
    void saveRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onRowsAboutToBeInserted();
    void onRowsInserted();
    void onModelReset();
    void find(const QString& text, bool forward);
    void onContextMenu(const QPoint& pos);
    void updatePlaceholder();
    /// The row height from the monospace font, once the first lines arrive.
    void applyLineMetrics();

    QTableView* m_table = nullptr;
    FindBar* m_findBar = nullptr;
    QLabel* m_placeholder = nullptr;
    TranscriptModel* m_model = nullptr;
    bool m_followTail = true;
    bool m_spanSet = false;
    bool m_lineMetricsApplied = false;
};
