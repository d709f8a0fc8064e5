<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>reset</source>
        <translation>zurücksetzen</translation>
    </message>
    <message>
        <source>move in latent space</source>
        <translation>im latenten Raum bewegen</translation>
    </message>
    <message>
        <source> probe</source>
        <translation> Probe</translation>
    </message>
    <message>
        <source> kNN</source>
        <translation> kNN</translation>
    </message>
    <message>
        <source>%1: recipe v%2: %3</source>
        <translation>%1: Rezept v%2: %3</translation>
    </message>
</context>
<context>
    <name>latent::studio::BatchReplayDialog</name>
    <message>
        <source>Batch of a training step</source>
        <translation>Batch eines Trainingsschritts</translation>
    </message>
    <message>
        <source>Click a point of the loss curve.</source>
        <translation>Klicken Sie auf einen Punkt der Verlustkurve.</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>Schritt %1 von %2</translation>
    </message>
    <message>
        <source>Making the batch of step %1 again…</source>
        <translation>Batch von Schritt %1 wird neu erzeugt…</translation>
    </message>
    <message>
        <source>anchor %1</source>
        <translation>Anker %1</translation>
    </message>
    <message>
        <source>Step %1: %2 of %3 anchors, %4 views each</source>
        <translation>Schritt %1: %2 von %3 Ankern, je %4 Ansichten</translation>
    </message>
</context>
<context>
    <name>latent::studio::ClusterJobDialog</name>
    <message>
        <source>Export Cluster Job</source>
        <translation>Cluster-Job exportieren</translation>
    </message>
    <message>
        <source>The run folder, on storage that every node sees under the same path (your home on most clusters)</source>
        <translation>Der Lauf-Ordner, auf einem Speicher, den jeder Knoten unter demselben Pfad sieht (auf den meisten Clustern Ihr Home-Verzeichnis)</translation>
    </message>
    <message>
        <source>the cluster&apos;s default</source>
        <translation>Standard des Clusters</translation>
    </message>
    <message>
        <source>latent-cli as the nodes find it (a name on their PATH or a path)</source>
        <translation>latent-cli, wie die Knoten es finden (ein Name im PATH oder ein Pfad)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Job Folder</source>
        <translation>Job-Ordner</translation>
    </message>
    <message>
        <source>Job folder</source>
        <translation>Job-Ordner</translation>
    </message>
    <message>
        <source>Run folder (shared)</source>
        <translation>Lauf-Ordner (gemeinsam)</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>GPUs per node</source>
        <translation>GPUs pro Knoten</translation>
    </message>
    <message>
        <source>CPU cores per rank</source>
        <translation>CPU-Kerne pro Rang</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>Zeitlimit</translation>
    </message>
    <message>
        <source>latent-cli on the nodes</source>
        <translation>latent-cli auf den Knoten</translation>
    </message>
</context>
<context>
    <name>latent::studio::ComposerPanel</name>
    <message>
        <source>uniform, or e.g. 0, 3, 7</source>
        <translation>gleichverteilt, oder z. B. 0, 3, 7</translation>
    </message>
    <message>
        <source>Same-class images are positives (SupCon)</source>
        <translation>Bilder derselben Klasse sind Positive (SupCon)</translation>
    </message>
    <message>
        <source>Gaussian neighbours</source>
        <translation>Gaußsche Nachbarn</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Verwenden</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>α min</source>
        <translation>α min</translation>
    </message>
    <message>
        <source>α max</source>
        <translation>α max</translation>
    </message>
    <message>
        <source>α distribution</source>
        <translation>α-Verteilung</translation>
    </message>
    <message>
        <source>Anchors</source>
        <translation>Anker</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Truncation</source>
        <translation>Trunkierung</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>Klassen</translation>
    </message>
    <message>
        <source>Latent views</source>
        <translation>Latente Ansichten</translation>
    </message>
    <message>
        <source>Views per anchor</source>
        <translation>Ansichten pro Anker</translation>
    </message>
    <message>
        <source>Steered walks</source>
        <translation>Gesteuerte Pfade</translation>
    </message>
    <message>
        <source>Pixel augmentations</source>
        <translation>Pixel-Augmentierungen</translation>
    </message>
    <message>
        <source>Resized crop p</source>
        <translation>Zuschnitt mit Skalierung p</translation>
    </message>
    <message>
        <source>  area scale</source>
        <translation>  Flächenanteil</translation>
    </message>
    <message>
        <source>  aspect ratio</source>
        <translation>  Seitenverhältnis</translation>
    </message>
    <message>
        <source>Horizontal flip p</source>
        <translation>Horizontale Spiegelung p</translation>
    </message>
    <message>
        <source>Colour jitter p</source>
        <translation>Farbvariation p</translation>
    </message>
    <message>
        <source>  brightness</source>
        <translation>  Helligkeit</translation>
    </message>
    <message>
        <source>  contrast</source>
        <translation>  Kontrast</translation>
    </message>
    <message>
        <source>  saturation</source>
        <translation>  Sättigung</translation>
    </message>
    <message>
        <source>  hue</source>
        <translation>  Farbton</translation>
    </message>
    <message>
        <source>Grayscale p</source>
        <translation>Graustufen p</translation>
    </message>
    <message>
        <source>Gaussian blur p</source>
        <translation>Gaußscher Weichzeichner p</translation>
    </message>
    <message>
        <source>  sigma</source>
        <translation>  Sigma</translation>
    </message>
    <message>
        <source>anchors </source>
        <translation>Anker </translation>
    </message>
    <message>
        <source>views </source>
        <translation>Ansichten </translation>
    </message>
    <message>
        <source>Latent + pixel</source>
        <translation>Latent + Pixel</translation>
    </message>
    <message>
        <source>Latent only</source>
        <translation>Nur latent</translation>
    </message>
    <message>
        <source>Pixel only</source>
        <translation>Nur Pixel</translation>
    </message>
    <message>
        <source>Resample</source>
        <translation>Neu ziehen</translation>
    </message>
    <message>
        <source>Recipe %1 was made with %2 (SHA-256 %3), but the loaded generator %4 has SHA-256 %5. Views may differ from the ones the recipe was made with.</source>
        <translation>Rezept %1 wurde mit %2 (SHA-256 %3) erstellt, aber der geladene Generator %4 hat SHA-256 %5. Die Ansichten können von denen abweichen, mit denen das Rezept erstellt wurde.</translation>
    </message>
    <message>
        <source>Positives are nearly copies: views may be too easy.</source>
        <translation>Positive sind fast Kopien: Die Ansichten sind womöglich zu einfach.</translation>
    </message>
    <message>
        <source>Positives look as different as negatives: views may break identity.</source>
        <translation>Positive sehen so verschieden aus wie Negative: Die Ansichten zerstören womöglich die Identität.</translation>
    </message>
    <message>
        <source>Positives: pixel RMS %1, cosine %2 · Negatives: pixel RMS %3, cosine %4 (first column: anchors; cosine under a fixed random encoder). %5</source>
        <translation>Positive: Pixel-RMS %1, Kosinus %2 · Negative: Pixel-RMS %3, Kosinus %4 (erste Spalte: Anker; Kosinus unter einem festen zufälligen Encoder). %5</translation>
    </message>
    <message>
        <source>Apply to the Running Training</source>
        <translation>Auf das laufende Training anwenden</translation>
    </message>
    <message>
        <source>The run in the Train tab trains on this recipe from its next step; the change is recorded in its run folder and marked on its curves.</source>
        <translation>Der Lauf im Tab Trainieren trainiert ab seinem nächsten Schritt mit diesem Rezept; die Änderung wird in seinem Laufordner festgehalten und in seinen Kurven markiert.</translation>
    </message>
    <message>
        <source>Diffusion sampler</source>
        <translation>Diffusions-Sampler</translation>
    </message>
    <message>
        <source>How the diffusion generator turns each latent (its starting noise) into an image; saved in the recipe, so training and exports sample the same way</source>
        <translation>Wie der Diffusionsgenerator jeden latenten Vektor (sein Startrauschen) in ein Bild verwandelt; im Rezept gespeichert, damit Training und Exporte gleich sampeln</translation>
    </message>
    <message>
        <source>DDIM steps</source>
        <translation>DDIM-Schritte</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <source>Eta</source>
        <translation>Eta</translation>
    </message>
    <message>
        <source>Re-noise and denoise each view (SDEdit): its image is noised to this level and denoised again with a noise of its own; 0: off</source>
        <translation>Jede Ansicht neu verrauschen und entrauschen (SDEdit): ihr Bild wird bis zu dieser Stufe verrauscht und mit eigenem Rauschen wieder entrauscht; 0: aus</translation>
    </message>
    <message>
        <source>Re-noise views</source>
        <translation>Ansichten neu verrauschen</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>New anchors that replace the oldest of the pool at every training step; 0: a fixed pool</source>
        <translation>Neue Anker, die in jedem Trainingsschritt die ältesten des Vorrats ersetzen; 0: ein fester Vorrat</translation>
    </message>
    <message>
        <source>Training pool</source>
        <translation>Trainingsvorrat</translation>
    </message>
    <message>
        <source>  new per step</source>
        <translation>  neu pro Schritt</translation>
    </message>
    <message>
        <source>Keep the latent&apos;s variance</source>
        <translation>Varianz des Latents erhalten</translation>
    </message>
    <message>
        <source>z&apos; = sqrt(1 - sigma²) z + sigma n instead of z + sigma n (sigma at most 1): the view&apos;s latent keeps the anchors&apos; distribution, as a diffusion model&apos;s starting noise must</source>
        <translation>z&apos; = sqrt(1 - sigma²) z + sigma n statt z + sigma n (sigma höchstens 1): das Latent der Ansicht behält die Verteilung der Anker, wie es das Startrauschen eines Diffusionsmodells muss</translation>
    </message>
    <message>
        <source>Rendering %1 anchors and %2 views of each…</source>
        <translation>%1 Anker und je %2 Ansichten werden erzeugt…</translation>
    </message>
    <message>
        <source>%1 steps → %2, the model&apos;s timesteps</source>
        <translation>%1 Schritte → %2, die Zeitschritte des Modells</translation>
    </message>
    <message>
        <source>guidance %1 → 1, the model has no null class</source>
        <translation>Guidance %1 → 1, das Modell hat keine Nullklasse</translation>
    </message>
    <message>
        <source>The recipe&apos;s sampler was adjusted to this model: %1.</source>
        <translation>Der Sampler des Rezepts wurde an dieses Modell angepasst: %1.</translation>
    </message>
    <message>
        <source>; </source>
        <translation>; </translation>
    </message>
    <message>
        <source>Diagnostics compare views of one anchor and views of others: show at least 2 anchors and 2 views.</source>
        <translation>Die Diagnose vergleicht Ansichten eines Ankers mit denen anderer: zeigen Sie mindestens 2 Anker und 2 Ansichten.</translation>
    </message>
    <message>
        <source>Training draws its anchors from a pool of this many, each rendered once while it stays in the pool, instead of fresh anchors every step: for slow samplers (diffusion) with pixel-only or re-noised views. Gaussian and steered views are sampled from latents of their own, so with them the pool saves nothing; off: fresh anchors</source>
        <translation>Das Training zieht seine Anker aus einem Vorrat dieser Größe, jeder wird einmal erzeugt, solange er im Vorrat bleibt, statt in jedem Schritt neue Anker zu erzeugen: für langsame Sampler (Diffusion) mit reinen Pixel- oder neu verrauschten Ansichten. Gaußsche und gesteuerte Ansichten werden aus eigenen Latents erzeugt, mit ihnen spart der Vorrat nichts; aus: neue Anker</translation>
    </message>
    <message>
        <source>How fast the preview was made at these settings: what the sampler costs per image (training samples each view the same way)</source>
        <translation>Wie schnell die Vorschau mit diesen Einstellungen erzeugt wurde: was der Sampler pro Bild kostet (das Training erzeugt jede Ansicht genauso)</translation>
    </message>
    <message>
        <source>Preview: %1 images sampled in %2 s: %3 images/s</source>
        <translation>Vorschau: %1 Bilder erzeugt in %2 s: %3 Bilder/s</translation>
    </message>
    <message>
        <source>Same-class positives (rows 1-2, 3-4, … share a class; negatives are other classes): pixel RMS %1, cosine %2.</source>
        <translation>Positive derselben Klasse (Zeilen 1-2, 3-4, … teilen eine Klasse; Negative sind andere Klassen): Pixel-RMS %1, Kosinus %2.</translation>
    </message>
</context>
<context>
    <name>latent::studio::DatasetPicker</name>
    <message>
        <source>Folder…</source>
        <translation>Ordner…</translation>
    </message>
    <message>
        <source>Skip unreadable images</source>
        <translation>Unlesbare Bilder überspringen</translation>
    </message>
    <message>
        <source>Leave images that cannot be decoded out (they are listed) instead of refusing the dataset</source>
        <translation>Nicht dekodierbare Bilder auslassen (sie werden aufgelistet), statt den Datensatz abzulehnen</translation>
    </message>
    <message>
        <source>Real dataset folder</source>
        <translation>Ordner des echten Datensatzes</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lese %1…</translation>
    </message>
    <message>
        <source>%1 train · %2 test images</source>
        <translation>%1 Trainings- · %2 Testbilder</translation>
    </message>
    <message>
        <source> · %1 val</source>
        <translation> · %1 Validierung</translation>
    </message>
    <message>
        <source> · %1 classes</source>
        <translation> · %1 Klassen</translation>
    </message>
    <message>
        <source> · unlabelled</source>
        <translation> · ohne Klassen</translation>
    </message>
    <message>
        <source> · %1, %2 to %3 px</source>
        <translation> · %1, %2 bis %3 px</translation>
    </message>
    <message>
        <source>RGB</source>
        <translation>RGB</translation>
    </message>
    <message>
        <source>grey</source>
        <translation>Graustufen</translation>
    </message>
    <message>
        <source> · unreadable files skipped: %1</source>
        <translation> · unlesbare Dateien übersprungen: %1</translation>
    </message>
    <message>
        <source>Rows, top to bottom: %1</source>
        <translation>Zeilen von oben nach unten: %1</translation>
    </message>
    <message>
        <source>Reading %1: %2 / %3 images · ETA %4</source>
        <translation>Lese %1: %2 / %3 Bilder · Rest %4</translation>
    </message>
    <message>
        <source>fashion-mnist, a folder with one subfolder per class (optionally under train/ val/ test/), CIFAR-10/100 batches (binary or Python) or IDX files; drop a folder here</source>
        <translation>fashion-mnist, ein Ordner mit einem Unterordner je Klasse (wahlweise unter train/ val/ test/), CIFAR-10/100-Batches (binär oder Python) oder IDX-Dateien; einen Ordner hier ablegen</translation>
    </message>
    <message>
        <source>The dataset of the run in the Train tab (not read again here).</source>
        <translation>Der Datensatz des Laufs im Tab „Trainieren“ (hier nicht erneut gelesen).</translation>
    </message>
</context>
<context>
    <name>latent::studio::ExperimentBox</name>
    <message>
        <source>Experiment: the paper&apos;s comparison</source>
        <translation>Experiment: der Vergleich des Artikels</translation>
    </message>
    <message>
        <source>Run &amp;experiment</source>
        <translation>&amp;Experiment starten</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Open results</source>
        <translation>Ergebnisse öffnen</translation>
    </message>
    <message>
        <source> seed(s)</source>
        <translation> Startwert(e)</translation>
    </message>
    <message>
        <source>The same encoder and budget on real Fashion-MNIST and on generated views (pixel-only, Gaussian sigma sweep, steered walks, Gaussian + steered, SupCon, neighbour pool), with the floors; writes results.md and two figures. Run it again on the same folder to resume.</source>
        <translation>Derselbe Encoder und dasselbe Budget auf echtem Fashion-MNIST und auf generierten Ansichten (nur Pixel, Sigma-Reihe der Gaußschen Ansichten, gesteuerte Pfade, Gauß + gesteuert, SupCon, Nachbarschaftspool), mit den Untergrenzen; schreibt results.md und zwei Abbildungen. Erneut auf demselben Ordner starten, um fortzusetzen.</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Experiment folder</source>
        <translation>Ordner des Experiments</translation>
    </message>
    <message>
        <source>Load a generator first (File &gt; Open Generator).</source>
        <translation>Zuerst einen Generator laden (Datei &gt; Generator öffnen).</translation>
    </message>
    <message>
        <source>run %1 of %2 (%3) · step %4 · experiment ETA %5</source>
        <translation>Lauf %1 von %2 (%3) · Schritt %4 · Rest des Experiments %5</translation>
    </message>
    <message>
        <source>Starting (learning the steering walks first if the folder has none)…</source>
        <translation>Starte (lernt zuerst die Steuerpfade, falls der Ordner keine hat)…</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>Beendet: %1</translation>
    </message>
    <message>
        <source>min per run</source>
        <translation>Min. pro Lauf</translation>
    </message>
    <message>
        <source>steps per run</source>
        <translation>Schritte pro Lauf</translation>
    </message>
    <message>
        <source>A time budget is what the paper compares; a step budget does not depend on the machine&apos;s speed or load.</source>
        <translation>Das Paper vergleicht bei gleichem Zeitbudget; ein Schrittbudget hängt nicht von Geschwindigkeit oder Auslastung der Maschine ab.</translation>
    </message>
    <message>
        <source>The encoder every run trains; the rows differ only in their data</source>
        <translation>Der Encoder, den jeder Lauf trainiert; die Zeilen unterscheiden sich nur in ihren Daten</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>Encoder</translation>
    </message>
    <message>
        <source>real data + pixel augmentations (SimCLR)</source>
        <translation>echte Daten + Pixel-Augmentierungen (SimCLR)</translation>
    </message>
    <message>
        <source>generated images, pixel augmentations only</source>
        <translation>erzeugte Bilder, nur Pixel-Augmentierungen</translation>
    </message>
    <message>
        <source>Gaussian views in latent space, one row per sigma of the sweep</source>
        <translation>Gaußsche Ansichten im latenten Raum, eine Zeile je Sigma der Reihe</translation>
    </message>
    <message>
        <source>learned steering walks (zoom, shifts, colour)</source>
        <translation>gelernte Steuerpfade (Zoom, Verschiebungen, Farbe)</translation>
    </message>
    <message>
        <source>Gaussian + steered views</source>
        <translation>Gaußsche + gesteuerte Ansichten</translation>
    </message>
    <message>
        <source>SupCon: the generator&apos;s classes as positives</source>
        <translation>SupCon: die Klassen des Generators als Positive</translation>
    </message>
    <message>
        <source>a pool of 4 neighbours per anchor</source>
        <translation>ein Pool von 4 Nachbarn je Anker</translation>
    </message>
    <message>
        <source>re-noised views (diffusion generators): noise an anchor to a strength, denoise it again</source>
        <translation>neu verrauschte Ansichten (Diffusionsgeneratoren): einen Anker bis zu einer Stärke verrauschen und wieder entrauschen</translation>
    </message>
    <message>
        <source>Row c&apos;s sigmas, comma-separated (each its own row)</source>
        <translation>Die Sigmas von Zeile c, durch Kommas getrennt (jedes eine eigene Zeile)</translation>
    </message>
    <message>
        <source>chosen on validation</source>
        <translation>auf Validierung gewählt</translation>
    </message>
    <message>
        <source>The sigma of rows e, f and g; at 0, row c&apos;s sigma with the best mean validation probe (row c must then be in the table)</source>
        <translation>Das Sigma der Zeilen e, f und g; bei 0 das Sigma von Zeile c mit der besten mittleren Validierungs-Probe (Zeile c muss dann in der Tabelle sein)</translation>
    </message>
    <message>
        <source>fresh anchors</source>
        <translation>neue Anker</translation>
    </message>
    <message>
        <source>Generated rows draw their anchors from a pool of this many, for slow samplers; 0: fresh anchors every step</source>
        <translation>Erzeugte Zeilen ziehen ihre Anker aus einem Pool dieser Größe, für langsame Sampler; 0: neue Anker in jedem Schritt</translation>
    </message>
    <message>
        <source>New anchors in the pool per step</source>
        <translation>Neue Anker im Pool je Schritt</translation>
    </message>
    <message>
        <source>Row r: the noise level each view is re-noised to, in (0, 1]</source>
        <translation>Zeile r: das Rauschniveau, auf das jede Ansicht neu verrauscht wird, in (0, 1]</translation>
    </message>
    <message>
        <source>Sigmas (c)</source>
        <translation>Sigmas (c)</translation>
    </message>
    <message>
        <source>Sigma (e–g)</source>
        <translation>Sigma (e–g)</translation>
    </message>
    <message>
        <source>Anchor pool</source>
        <translation>Anker-Pool</translation>
    </message>
    <message>
        <source>new per step</source>
        <translation>neu je Schritt</translation>
    </message>
    <message>
        <source>Re-noise (r)</source>
        <translation>Neu verrauschen (r)</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <source>Rows: none chosen; tick at least one of a to g (or r)</source>
        <translation>Zeilen: keine gewählt; mindestens eine von a bis g (oder r) ankreuzen</translation>
    </message>
    <message>
        <source>Sigmas (c): &quot;%1&quot; is not a sigma; expected numbers above 0 and at most 10, separated by commas</source>
        <translation>Sigmas (c): „%1“ ist kein Sigma; erwartet werden Zahlen über 0 und höchstens 10, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>Halte nach dem aktuellen Schritt an…</translation>
    </message>
    <message>
        <source>The forward pass&apos;s type in every run. auto takes bf16 where the device has native bfloat16 and fp32 on other CPUs, so a table resumed on another machine can change precision; fp32 pins it</source>
        <translation>Der Zahlentyp des Vorwärtsdurchlaufs in jedem Lauf. auto nimmt bf16, wo das Gerät natives bfloat16 hat, und fp32 auf anderen CPUs, sodass eine auf einem anderen Rechner fortgesetzte Tabelle die Genauigkeit wechseln kann; fp32 legt sie fest</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
</context>
<context>
    <name>latent::studio::ExplorerPanel</name>
    <message>
        <source>SeFa (closed form)</source>
        <translation>SeFa (geschlossene Form)</translation>
    </message>
    <message>
        <source>PCA (GANSpace)</source>
        <translation>PCA (GANSpace)</translation>
    </message>
    <message>
        <source>Steering walks (learned)</source>
        <translation>Steuerpfade (gelernt)</translation>
    </message>
    <message>
        <source>Random orthonormal</source>
        <translation>Zufällig orthonormal</translation>
    </message>
    <message>
        <source>default: the method&apos;s name</source>
        <translation>Standard: der Name der Methode</translation>
    </message>
    <message>
        <source>&amp;Find directions</source>
        <translation>Richtungen &amp;finden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Find directions</source>
        <translation>Richtungen finden</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Set name</source>
        <translation>Name des Satzes</translation>
    </message>
    <message>
        <source>Directions</source>
        <translation>Richtungen</translation>
    </message>
    <message>
        <source>SeFa weight</source>
        <translation>SeFa-Gewicht</translation>
    </message>
    <message>
        <source>PCA samples</source>
        <translation>PCA-Stichproben</translation>
    </message>
    <message>
        <source>Walk steps</source>
        <translation>Pfadschritte</translation>
    </message>
    <message>
        <source>Walks</source>
        <translation>Pfade</translation>
    </message>
    <message>
        <source>Direction set</source>
        <translation>Richtungssatz</translation>
    </message>
    <message>
        <source>Anchor seed</source>
        <translation>Anker-Startwert</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Copy latent</source>
        <translation>Latentvektor kopieren</translation>
    </message>
    <message>
        <source>Save image…</source>
        <translation>Bild speichern…</translation>
    </message>
    <message>
        <source>Latent &amp;pad</source>
        <translation>Latent-&amp;Pad</translation>
    </message>
    <message>
        <source>Drag a point along two directions at once</source>
        <translation>Einen Punkt entlang zweier Richtungen zugleich ziehen</translation>
    </message>
    <message>
        <source>The pad point (centre) and its neighbours a quarter of the range away</source>
        <translation>Der Pad-Punkt (Mitte) und seine Nachbarn im Abstand eines Viertels des Bereichs</translation>
    </message>
    <message>
        <source>Pad x</source>
        <translation>Pad x</translation>
    </message>
    <message>
        <source>Pad y</source>
        <translation>Pad y</translation>
    </message>
    <message>
        <source>Latent pad</source>
        <translation>Latent-Pad</translation>
    </message>
    <message>
        <source>Find or pick a direction set to see each direction as a strip</source>
        <translation>Einen Richtungssatz finden oder wählen, um jede Richtung als Streifen zu sehen</translation>
    </message>
    <message>
        <source>unconditional</source>
        <translation>unkonditioniert</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <source>score %1</source>
        <translation>Wert %1</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>In Arbeit…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Found %1 %2 directions</source>
        <translation>%1 %2-Richtungen gefunden</translation>
    </message>
    <message>
        <source>Save Image</source>
        <translation>Bild speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Could not save the image</source>
        <translation>Das Bild konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Not for a diffusion model: SeFa factorises the first linear layer that takes a GAN&apos;s latent, and the starting noise x_T goes through no such layer</source>
        <translation>Nicht für ein Diffusionsmodell: SeFa zerlegt die erste lineare Schicht, die den latenten Vektor eines GAN aufnimmt, und das Startrauschen x_T durchläuft keine solche Schicht</translation>
    </message>
    <message>
        <source>This generator has no linear layer or transposed convolution that takes its %1-dimensional latent, so there is nothing for SeFa to factorise</source>
        <translation>Dieser Generator hat keine lineare Schicht und keine transponierte Faltung, die seinen %1-dimensionalen latenten Vektor aufnimmt; SeFa hat also nichts zu zerlegen</translation>
    </message>
    <message>
        <source>The latent has %1 values; SeFa factorises a latent x latent matrix, at most %2 x %2 here</source>
        <translation>Der latente Vektor hat %1 Werte; SeFa zerlegt eine Matrix latent x latent, hier höchstens %2 x %2</translation>
    </message>
    <message>
        <source>Could not draw the image: %1</source>
        <translation>Das Bild konnte nicht gezeichnet werden: %1</translation>
    </message>
    <message>
        <source>Could not draw the direction strips: %1</source>
        <translation>Die Richtungsstreifen konnten nicht gezeichnet werden: %1</translation>
    </message>
    <message>
        <source>Walk sampler steps</source>
        <translation>Sampler-Schritte des Pfads</translation>
    </message>
    <message>
        <source>DDIM steps of the sampler a walk is learned through: each step of learning runs the sampler forward and backward, so its time and memory grow with them. The walk then moves the images of any step count (with eta 0, x_T to image is one ODE)</source>
        <translation>DDIM-Schritte des Samplers, durch den ein Pfad gelernt wird: jeder Lernschritt durchläuft den Sampler vorwärts und rückwärts, Zeit und Speicher wachsen also mit ihnen. Der Pfad bewegt danach die Bilder jeder Schrittzahl (mit eta 0 ist x_T zum Bild eine ODE)</translation>
    </message>
</context>
<context>
    <name>latent::studio::ExportDatasetDialog</name>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Export Dataset</source>
        <translation>Datensatz exportieren</translation>
    </message>
    <message>
        <source>PNG, a folder per class</source>
        <translation>PNG, ein Ordner pro Klasse</translation>
    </message>
    <message>
        <source>NumPy arrays (.npy), one per chunk</source>
        <translation>NumPy-Arrays (.npy), eines pro Block</translation>
    </message>
    <message>
        <source>Anchors generated together. Chunk c is the batch a training run of this seed and batch size sees at step c.</source>
        <translation>Gemeinsam erzeugte Anker. Block c ist der Batch, den ein Trainingslauf mit diesem Startwert und dieser Batchgröße in Schritt c sieht.</translation>
    </message>
    <message>
        <source>A new or empty folder, or the folder of a stopped export to continue it</source>
        <translation>Ein neuer oder leerer Ordner, oder der Ordner eines angehaltenen Exports, um ihn fortzusetzen</translation>
    </message>
    <message>
        <source>Export Folder</source>
        <translation>Exportordner</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <source>Anchors</source>
        <translation>Anker</translation>
    </message>
    <message>
        <source>Views per anchor</source>
        <translation>Ansichten pro Anker</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Anchors per chunk</source>
        <translation>Anker pro Block</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Stopping after the chunk in hand…</source>
        <translation>Hält nach dem laufenden Block an…</translation>
    </message>
    <message>
        <source>Writes each image once with a manifest row (anchor, view, class, file); any image can be regenerated from its row.</source>
        <translation>Schreibt jedes Bild einmal mit einer Manifestzeile (Anker, Ansicht, Klasse, Datei); jedes Bild lässt sich aus seiner Zeile neu erzeugen.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportiere…</translation>
    </message>
    <message>
        <source>%1 of %2 images, %3 images/s, %4 left</source>
        <translation>%1 von %2 Bildern, %3 Bilder/s, noch %4</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Export complete: %1 images in %2 (manifest.jsonl lists them).</source>
        <translation>Export abgeschlossen: %1 Bilder in %2 (manifest.jsonl listet sie auf).</translation>
    </message>
    <message>
        <source>Stopped at %1 of %2 images. Export again with the same settings and folder to continue.</source>
        <translation>Angehalten bei %1 von %2 Bildern. Mit denselben Einstellungen und demselben Ordner erneut exportieren, um fortzusetzen.</translation>
    </message>
    <message>
        <source>Choose the folder to export into.</source>
        <translation>Den Ordner für den Export wählen.</translation>
    </message>
    <message>
        <source>The folder %1 is relative; give a full path (Browse…).</source>
        <translation>Der Ordner %1 ist relativ; einen vollständigen Pfad angeben (Durchsuchen…).</translation>
    </message>
</context>
<context>
    <name>latent::studio::GeneratorPanel</name>
    <message>
        <source>Each latent coordinate is drawn from a normal distribution truncated to [-t, t]. 0 turns truncation off.</source>
        <translation>Jede latente Koordinate wird aus einer auf [-t, t] trunkierten Normalverteilung gezogen. 0 schaltet die Trunkierung ab.</translation>
    </message>
    <message>
        <source> per side</source>
        <translation> pro Seite</translation>
    </message>
    <message>
        <source>&amp;Resample</source>
        <translation>&amp;Neu ziehen</translation>
    </message>
    <message>
        <source>Draw new samples (next seed)</source>
        <translation>Neue Stichproben ziehen (nächster Startwert)</translation>
    </message>
    <message>
        <source>&amp;Save grid as PNG…</source>
        <translation>Raster als PNG &amp;speichern…</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Truncation</source>
        <translation>Trunkierung</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Klasse</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>Raster</translation>
    </message>
    <message>
        <source>Generator</source>
        <translation>Generator</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Lade %1…</translation>
    </message>
    <message>
        <source>All classes (uniform)</source>
        <translation>Alle Klassen (gleichverteilt)</translation>
    </message>
    <message>
        <source>Unconditional</source>
        <translation>Unkonditioniert</translation>
    </message>
    <message>
        <source>Latent size</source>
        <translation>Latente Dimension</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>Klassen</translation>
    </message>
    <message>
        <source>unconditional</source>
        <translation>unkonditioniert</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Output range</source>
        <translation>Ausgabebereich</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Aufruf</translation>
    </message>
    <message>
        <source>Sidecar</source>
        <translation>Begleitdatei</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no (inferred)</source>
        <translation>nein (erschlossen)</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>assumed:</source>
        <translation>angenommen:</translation>
    </message>
    <message>
        <source>warning:</source>
        <translation>Warnung:</translation>
    </message>
    <message>
        <source>sample %1 of seed %2</source>
        <translation>Stichprobe %1 von Startwert %2</translation>
    </message>
    <message>
        <source>class %1: %2</source>
        <translation>Klasse %1: %2</translation>
    </message>
    <message>
        <source>Report card</source>
        <translation>Steckbrief</translation>
    </message>
    <message>
        <source>DDIM denoising steps: more are slower and usually sharper</source>
        <translation>DDIM-Entrauschungsschritte: mehr sind langsamer und meist schärfer</translation>
    </message>
    <message>
        <source>Classifier-free guidance scale (1: none); needs a model trained with a null class</source>
        <translation>Stärke der Classifier-free Guidance (1: keine); braucht ein Modell, das mit einer Null-Klasse trainiert wurde</translation>
    </message>
    <message>
        <source>0: deterministic DDIM; above 0 each image adds noise drawn from its own starting noise</source>
        <translation>0: deterministisches DDIM; über 0 fügt jedes Bild Rauschen hinzu, das aus seinem eigenen Startrauschen gezogen wird</translation>
    </message>
    <message>
        <source>Diffusion sampler</source>
        <translation>Diffusions-Sampler</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <source>Eta</source>
        <translation>Eta</translation>
    </message>
    <message>
        <source>%1 images in %2 s: %3 images/s</source>
        <translation>%1 Bilder in %2 s: %3 Bilder/s</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>diffusion: %1 prediction, %2 timesteps, %3; its latent is the starting noise x_T, sampled by DDIM</source>
        <translation>Diffusion: Vorhersage %1, %2 Zeitschritte, %3; der latente Vektor ist das Startrauschen x_T, gesampelt mit DDIM</translation>
    </message>
    <message>
        <source>GAN</source>
        <translation>GAN</translation>
    </message>
    <message>
        <source>Sampling %1 images, %2 DDIM steps each…</source>
        <translation>%1 Bilder werden erzeugt, je %2 DDIM-Schritte…</translation>
    </message>
    <message>
        <source>Sampling %1 images…</source>
        <translation>%1 Bilder werden erzeugt…</translation>
    </message>
    <message>
        <source>Sampling failed: %1</source>
        <translation>Stichprobenziehung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Classes in turn</source>
        <translation>Klassen der Reihe nach</translation>
    </message>
</context>
<context>
    <name>latent::studio::LocalRanks</name>
    <message>
        <source>cannot start rank %1 (%2): %3</source>
        <translation>Rang %1 kann nicht gestartet werden (%2): %3</translation>
    </message>
    <message>
        <source>rank %1 was killed or crashed</source>
        <translation>Rang %1 wurde beendet oder ist abgestürzt</translation>
    </message>
    <message>
        <source>rank %1 exited with code %2</source>
        <translation>Rang %1 endete mit Code %2</translation>
    </message>
</context>
<context>
    <name>latent::studio::MainWindow</name>
    <message>
        <source>Latent Studio</source>
        <translation>Latent Studio</translation>
    </message>
    <message>
        <source>&amp;Samples</source>
        <translation>&amp;Stichproben</translation>
    </message>
    <message>
        <source>&amp;Explore</source>
        <translation>&amp;Erkunden</translation>
    </message>
    <message>
        <source>&amp;Views</source>
        <translation>&amp;Ansichten</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>&amp;Trainieren</translation>
    </message>
    <message>
        <source>&amp;Runs</source>
        <translation>&amp;Läufe</translation>
    </message>
    <message>
        <source>Device: %1 · %2 threads · LibTorch %3</source>
        <translation>Gerät: %1 · %2 Threads · LibTorch %3</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open Generator…</source>
        <translation>Generator ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Save Grid as PNG…</source>
        <translation>Raster als PNG &amp;speichern…</translation>
    </message>
    <message>
        <source>Open &amp;View Recipe…</source>
        <translation>Ansichts&amp;rezept öffnen…</translation>
    </message>
    <message>
        <source>Save View Recipe &amp;As…</source>
        <translation>Ansichtsrezept speichern &amp;unter…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Latent Studio</source>
        <translation>&amp;Über Latent Studio</translation>
    </message>
    <message>
        <source>About Latent Studio</source>
        <translation>Über Latent Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;Latent Studio %1&lt;/b&gt;&lt;p&gt;Generative models as a data source for multiview representation learning.&lt;/p&gt;&lt;p&gt;LibTorch %2, Qt %3&lt;/p&gt;</source>
        <translation>&lt;b&gt;Latent Studio %1&lt;/b&gt;&lt;p&gt;Generative Modelle als Datenquelle für Multiview-Repräsentationslernen.&lt;/p&gt;&lt;p&gt;LibTorch %2, Qt %3&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The language changes when Latent Studio starts again.</source>
        <translation>Die Sprache wechselt beim nächsten Start von Latent Studio.</translation>
    </message>
    <message>
        <source>Open Generator</source>
        <translation>Generator öffnen</translation>
    </message>
    <message>
        <source>TorchScript generators (*.pt);;All files (*)</source>
        <translation>TorchScript-Generatoren (*.pt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Lade %1…</translation>
    </message>
    <message>
        <source>Could not load %1</source>
        <translation>%1 konnte nicht geladen werden</translation>
    </message>
    <message>
        <source>Could not load generator</source>
        <translation>Generator konnte nicht geladen werden</translation>
    </message>
    <message>
        <source>%1 — Latent Studio</source>
        <translation>%1 — Latent Studio</translation>
    </message>
    <message>
        <source>Loaded %1</source>
        <translation>%1 geladen</translation>
    </message>
    <message>
        <source>Sampling failed: %1</source>
        <translation>Stichprobenziehung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Save Grid as PNG</source>
        <translation>Raster als PNG speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Could not save the grid</source>
        <translation>Das Raster konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Open View Recipe</source>
        <translation>Ansichtsrezept öffnen</translation>
    </message>
    <message>
        <source>View recipes (*.json);;All files (*)</source>
        <translation>Ansichtsrezepte (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Different generator</source>
        <translation>Anderer Generator</translation>
    </message>
    <message>
        <source>Use the recipe with the loaded generator?</source>
        <translation>Das Rezept mit dem geladenen Generator verwenden?</translation>
    </message>
    <message>
        <source>Could not open the recipe</source>
        <translation>Das Rezept konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>Save View Recipe</source>
        <translation>Ansichtsrezept speichern</translation>
    </message>
    <message>
        <source>View recipes (*.recipe.json *.json)</source>
        <translation>Ansichtsrezepte (*.recipe.json *.json)</translation>
    </message>
    <message>
        <source>Could not save the recipe</source>
        <translation>Das Rezept konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>&amp;Export Dataset…</source>
        <translation>Datensatz &amp;exportieren…</translation>
    </message>
    <message>
        <source>Nothing to export</source>
        <translation>Nichts zu exportieren</translation>
    </message>
    <message>
        <source>Open a generator first.</source>
        <translation>Öffnen Sie zuerst einen Generator.</translation>
    </message>
    <message>
        <source>Applied: the run in the Train tab trains on &quot;%1&quot; from its next step.</source>
        <translation>Angewendet: Der Lauf im Tab Trainieren trainiert ab seinem nächsten Schritt mit „%1“.</translation>
    </message>
    <message>
        <source>Open S&amp;hipped Generator</source>
        <translation>Mitgelieferten &amp;Generator öffnen</translation>
    </message>
    <message>
        <source>Quit Latent Studio</source>
        <translation>Latent Studio beenden</translation>
    </message>
    <message>
        <source>A run is training. Stop it and quit? It saves a checkpoint first; resume it later from the Runs tab.</source>
        <translation>Ein Lauf trainiert. Anhalten und beenden? Er speichert zuerst einen Checkpoint; setzen Sie ihn später im Tab „Läufe“ fort.</translation>
    </message>
    <message>
        <source>An experiment is running. Stop it and quit? Its finished runs are kept; run it again on the same folder to resume.</source>
        <translation>Ein Experiment läuft. Anhalten und beenden? Seine fertigen Läufe bleiben erhalten; starten Sie es im selben Ordner erneut, um fortzusetzen.</translation>
    </message>
    <message>
        <source>&amp;Stop and Quit</source>
        <translation>&amp;Anhalten und beenden</translation>
    </message>
    <message>
        <source>Stopping; the window closes when the work is saved…</source>
        <translation>Wird angehalten; das Fenster schließt sich, sobald die Arbeit gespeichert ist…</translation>
    </message>
    <message>
        <source>No samples to save yet</source>
        <translation>Noch keine Samples zum Speichern</translation>
    </message>
    <message>
        <source>Saving %1…</source>
        <translation>%1 wird gespeichert…</translation>
    </message>
    <message>
        <source>A dataset export is running. Stop it and quit? It stops after the chunk in hand; export again to the same folder with the same settings to continue.</source>
        <translation>Ein Datensatz-Export läuft. Anhalten und beenden? Er hält nach dem laufenden Block an; mit denselben Einstellungen in denselben Ordner erneut exportieren, um fortzufahren.</translation>
    </message>
    <message>
        <source>Not quitting: the dataset export failed</source>
        <translation>Nicht beendet: der Datensatz-Export ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>Öffne %1…</translation>
    </message>
</context>
<context>
    <name>latent::studio::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>System language (%1)</source>
        <translation>Systemsprache (%1)</translation>
    </message>
    <message>
        <source>The new language is used the next time Latent Studio starts.</source>
        <translation>Die neue Sprache gilt ab dem nächsten Start von Latent Studio.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>System language (%1, not translated: English)</source>
        <translation>Systemsprache (%1, nicht übersetzt: Englisch)</translation>
    </message>
</context>
<context>
    <name>latent::studio::ReportCardBox</name>
    <message>
        <source>&amp;Compute card</source>
        <translation>Steckbrief &amp;berechnen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Save card…</source>
        <translation>Steckbrief speichern…</translation>
    </message>
    <message>
        <source>Generated images for fidelity and the Fréchet distance</source>
        <translation>Erzeugte Bilder für Treue und Fréchet-Abstand</translation>
    </message>
    <message>
        <source>Passes of the small classifier over its training images</source>
        <translation>Durchläufe des kleinen Klassifikators über seine Trainingsbilder</translation>
    </message>
    <message>
        <source>Train a small classifier on the real data (cached per dataset) and measure the generator with it: fidelity, CAS, Fréchet distance, per class</source>
        <translation>Einen kleinen Klassifikator auf den echten Daten trainieren (pro Datensatz zwischengespeichert) und den Generator damit messen: Treue, CAS, Fréchet-Abstand, pro Klasse</translation>
    </message>
    <message>
        <source>Nearest real images appear here</source>
        <translation>Hier erscheinen die nächsten echten Bilder</translation>
    </message>
    <message>
        <source>Real data</source>
        <translation>Echte Daten</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Stichproben</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Lese %1…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Done (the real-data classifier came from the cache)</source>
        <translation>Fertig (der Klassifikator für echte Daten kam aus dem Zwischenspeicher)</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>generated sample</source>
        <translation>erzeugtes Bild</translation>
    </message>
    <message>
        <source>nearest real training image</source>
        <translation>nächstes echtes Trainingsbild</translation>
    </message>
    <message>
        <source>Save Report Card Into</source>
        <translation>Steckbrief speichern in</translation>
    </message>
    <message>
        <source>Saved report-card.md, report-card.json and nearest.png in %1</source>
        <translation>report-card.md, report-card.json und nearest.png in %1 gespeichert</translation>
    </message>
    <message>
        <source>as many as the real classifier</source>
        <translation>so viele wie der echte Klassifikator</translation>
    </message>
    <message>
        <source>Generated images the CAS classifier trains on</source>
        <translation>Erzeugte Bilder, auf denen der CAS-Klassifikator trainiert</translation>
    </message>
    <message>
        <source>test split</source>
        <translation>Testaufteilung</translation>
    </message>
    <message>
        <source>CAS images</source>
        <translation>CAS-Bilder</translation>
    </message>
    <message>
        <source>Measured on</source>
        <translation>Gemessen auf</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>Choose a generator&apos;s settings (sampler steps, guidance, truncation) with the card measured on validation (the dataset&apos;s val split, else 10% of each class of train); report the test split&apos;s card</source>
        <translation>Einstellungen eines Generators (Sampler-Schritte, Guidance, Truncation) mit der auf der Validierung gemessenen Karte wählen (dem val-Split des Datensatzes, sonst 10% jeder Klasse von train); die Karte des Test-Splits berichten</translation>
    </message>
</context>
<context>
    <name>latent::studio::RunsPanel</name>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>Verlust (geglättet)</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Report…</source>
        <translation>Bericht…</translation>
    </message>
    <message>
        <source>Encoder…</source>
        <translation>Encoder…</translation>
    </message>
    <message>
        <source>Metrics CSV…</source>
        <translation>Metriken-CSV…</translation>
    </message>
    <message>
        <source>Recipe…</source>
        <translation>Rezept…</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>Encoder</translation>
    </message>
    <message>
        <source>Final probe</source>
        <translation>Finale Probe</translation>
    </message>
    <message>
        <source>Final kNN</source>
        <translation>Finaler kNN</translation>
    </message>
    <message>
        <source>Check runs to overlay their curves; select one to export or resume it</source>
        <translation>Läufe ankreuzen, um ihre Kurven zu überlagern; einen auswählen, um ihn zu exportieren oder fortzusetzen</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Ordner…</translation>
    </message>
    <message>
        <source>Selected run:</source>
        <translation>Gewählter Lauf:</translation>
    </message>
    <message>
        <source>Continue a stopped or failed run from its last checkpoint</source>
        <translation>Einen angehaltenen oder fehlgeschlagenen Lauf ab seinem letzten Checkpoint fortsetzen</translation>
    </message>
    <message>
        <source>Markdown or HTML report with the plots, config, recipe and metrics</source>
        <translation>Bericht in Markdown oder HTML mit Diagrammen, Konfiguration, Rezept und Metriken</translation>
    </message>
    <message>
        <source>Runs folder</source>
        <translation>Ordner der Läufe</translation>
    </message>
    <message>
        <source>Runs in %1</source>
        <translation>Läufe in %1</translation>
    </message>
    <message>
        <source>real: %1</source>
        <translation>echt: %1</translation>
    </message>
    <message>
        <source>generated</source>
        <translation>generiert</translation>
    </message>
    <message>
        <source>Not listed:
%1</source>
        <translation>Nicht aufgeführt:
%1</translation>
    </message>
    <message>
        <source>Select a run first.</source>
        <translation>Zuerst einen Lauf auswählen.</translation>
    </message>
    <message>
        <source>Training loss (smoothed)</source>
        <translation>Trainingsverlust (geglättet)</translation>
    </message>
    <message>
        <source>Linear probe and kNN on real data (online: dots, final: diamonds)</source>
        <translation>Lineare Probe und kNN auf echten Daten (online: Punkte, final: Rauten)</translation>
    </message>
    <message>
        <source>Markdown (*.md);;HTML (*.html)</source>
        <translation>Markdown (*.md);;HTML (*.html)</translation>
    </message>
    <message>
        <source>TorchScript (*.pt)</source>
        <translation>TorchScript (*.pt)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>View recipe (*.json)</source>
        <translation>Ansichtsrezept (*.json)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>created</source>
        <translation>angelegt</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 (%2 min budget)</source>
        <translation>%1 (Budget %2 min)</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <source>cannot encode the figure %1</source>
        <translation>die Abbildung %1 kann nicht kodiert werden</translation>
    </message>
    <message>
        <source>Choose Probe L2</source>
        <translation>Probe-L2 wählen</translation>
    </message>
    <message>
        <source>Fit the linear probe with L2 penalties from 1e-6 to 1e-2 on the run&apos;s checkpoint, choose on validation, and measure test once at the chosen penalty (the reports fix it at 1e-4)</source>
        <translation>Die lineare Probe mit L2-Strafen von 1e-6 bis 1e-2 auf dem Checkpoint des Laufs anpassen, auf der Validierung wählen und den Test einmal mit der gewählten Strafe messen (die Berichte legen sie auf 1e-4 fest)</translation>
    </message>
    <message>
        <source>Choosing the probe L2 of %1: encoding…</source>
        <translation>Probe-L2 von %1 wird gewählt: Kodierung…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Choosing the probe L2 of %1: encoding %2 / %3 images, then fitting…</source>
        <translation>Probe-L2 von %1 wird gewählt: %2 / %3 Bilder kodiert, dann Anpassung…</translation>
    </message>
</context>
<context>
    <name>latent::studio::TrainPanel</name>
    <message>
        <source>Generated views (current recipe)</source>
        <translation>Generierte Ansichten (aktuelles Rezept)</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>&amp;Trainieren</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;topp</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>images/s</source>
        <translation>Bilder/s</translation>
    </message>
    <message>
        <source>automatic (date and time)</source>
        <translation>automatisch (Datum und Uhrzeit)</translation>
    </message>
    <message>
        <source>Online linear probe and kNN on real-data subsets every N steps</source>
        <translation>Lineare Online-Probe und kNN auf Teilmengen echter Daten alle N Schritte</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>Encoder</source>
        <translation>Encoder</translation>
    </message>
    <message>
        <source>Batch (anchors)</source>
        <translation>Batch (Anker)</translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation>Optimierer</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Probe every</source>
        <translation>Probe alle</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>Name des Laufs</translation>
    </message>
    <message>
        <source>The views of the current batch appear here</source>
        <translation>Die Ansichten des aktuellen Batches erscheinen hier</translation>
    </message>
    <message>
        <source>A few anchors of the latest batch (rows) and their views, as the encoder sees them; refreshed every few seconds</source>
        <translation>Einige Anker des letzten Batches (Zeilen) und ihre Ansichten, so wie der Encoder sie sieht; alle paar Sekunden aktualisiert</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Views fed to the encoder:</source>
        <translation>Ansichten für den Encoder:</translation>
    </message>
    <message>
        <source>Hover a point
to see its image</source>
        <translation>Auf einen Punkt zeigen,
um sein Bild zu sehen</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>Kurven</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>Einbettung</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>Verlust (geglättet)</translation>
    </message>
    <message>
        <source>Load a generator first (File &gt; Open Generator), or train on real data.</source>
        <translation>Zuerst einen Generator laden (Datei &gt; Generator öffnen) oder auf echten Daten trainieren.</translation>
    </message>
    <message>
        <source>A run is training; stop it before resuming another.</source>
        <translation>Ein Lauf trainiert gerade; ihn anhalten, bevor ein anderer fortgesetzt wird.</translation>
    </message>
    <message>
        <source>Preparing %1 (loading the generator and the real data)…</source>
        <translation>Bereite %1 vor (lade den Generator und die echten Daten)…</translation>
    </message>
    <message>
        <source>step %1 · %2 of %3</source>
        <translation>Schritt %1 · %2 von %3</translation>
    </message>
    <message>
        <source>step %1 / %2</source>
        <translation>Schritt %1 / %2</translation>
    </message>
    <message>
        <source>loss %1 · %2 images/s · elapsed %3 · ETA %4</source>
        <translation>Verlust %1 · %2 Bilder/s · vergangen %3 · Rest %4</translation>
    </message>
    <message>
        <source>Paused at step %1</source>
        <translation>Pausiert bei Schritt %1</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>Beendet: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Stopping after the current step…</source>
        <translation>Halte nach dem aktuellen Schritt an…</translation>
    </message>
    <message>
        <source>Real images (baseline)</source>
        <translation>Echte Bilder (Basislinie)</translation>
    </message>
    <message>
        <source>Views from the generator with the Views tab&apos;s recipe, or the real dataset&apos;s images with the recipe&apos;s pixel augmentations (the baseline)</source>
        <translation>Ansichten vom Generator mit dem Rezept des Ansichten-Tabs, oder die Bilder des echten Datensatzes mit den Pixel-Augmentierungen des Rezepts (die Basislinie)</translation>
    </message>
    <message>
        <source>Real dataset</source>
        <translation>Echter Datensatz</translation>
    </message>
    <message>
        <source>final evaluation %1 / %2 images</source>
        <translation>Abschlussbewertung %1 / %2 Bilder</translation>
    </message>
    <message>
        <source>Final evaluation: encoding the real train and test images (Stop cancels it; the checkpoint is kept)</source>
        <translation>Abschlussbewertung: die echten Trainings- und Testbilder werden kodiert (Stopp bricht ab; der Checkpoint bleibt erhalten)</translation>
    </message>
    <message>
        <source>the generator&apos;s</source>
        <translation>wie der Generator</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Side of the encoder&apos;s input: a large generator&apos;s views (and the real images) are resized to it once per batch</source>
        <translation>Seitenlänge der Encoder-Eingabe: Die Ansichten eines großen Generators (und die echten Bilder) werden einmal pro Batch darauf skaliert</translation>
    </message>
    <message>
        <source>Input size</source>
        <translation>Eingabegröße</translation>
    </message>
    <message>
        <source>%v / %m images</source>
        <translation>%v / %m Bilder</translation>
    </message>
    <message>
        <source>Export &amp;Cluster Job…</source>
        <translation>&amp;Cluster-Job exportieren…</translation>
    </message>
    <message>
        <source>The forward pass&apos;s type: auto takes bf16 where the device has it (recent CPUs and GPUs), fp16 with loss scaling on older GPUs, else fp32</source>
        <translation>Zahlentyp des Vorwärtsdurchlaufs: auto nimmt bf16, wo das Gerät es kann (neuere CPUs und GPUs), fp16 mit Loss-Skalierung auf älteren GPUs, sonst fp32</translation>
    </message>
    <message>
        <source>Data-parallel processes on this machine (each a share of every batch; the cores are divided between them). This window trains rank 0 and shows its curves; the others run as latent-cli. Pause is not available with several processes.</source>
        <translation>Datenparallele Prozesse auf diesem Rechner (jeder einen Teil jedes Batches; die Kerne werden aufgeteilt). Dieses Fenster trainiert Rang 0 und zeigt seine Kurven; die anderen laufen als latent-cli. Pausieren ist mit mehreren Prozessen nicht möglich.</translation>
    </message>
    <message>
        <source>Write a Slurm batch script and a torchrun command for these settings and the current recipe, to train on a cluster</source>
        <translation>Ein Slurm-Batch-Skript und einen torchrun-Befehl für diese Einstellungen und das aktuelle Rezept schreiben, um auf einem Cluster zu trainieren</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>Prozesse</translation>
    </message>
    <message>
        <source>Wrote the cluster job to %1; submit it with: sbatch %2</source>
        <translation>Cluster-Job nach %1 geschrieben; abschicken mit: sbatch %2</translation>
    </message>
    <message>
        <source>Training with %1 processes needs latent-cli, which is not at %2</source>
        <translation>Training mit %1 Prozessen braucht latent-cli, das nicht unter %2 liegt</translation>
    </message>
    <message>
        <source>%1 processes · </source>
        <translation>%1 Prozesse · </translation>
    </message>
    <message>
        <source>linear probe (validation)</source>
        <translation>lineare Probe (Validierung)</translation>
    </message>
    <message>
        <source>kNN (validation)</source>
        <translation>kNN (Validierung)</translation>
    </message>
    <message>
        <source>linear probe (test, final)</source>
        <translation>lineare Probe (Test, final)</translation>
    </message>
    <message>
        <source>kNN (test, final)</source>
        <translation>kNN (Test, final)</translation>
    </message>
    <message>
        <source>Real validation images, PCA of encoder features (%1, step %2)</source>
        <translation>Echte Validierungsbilder, PCA der Encoder-Merkmale (%1, Schritt %2)</translation>
    </message>
    <message>
        <source>Click a point to see the batch the encoder trained on at that step.</source>
        <translation>Klicken Sie auf einen Punkt, um den Batch zu sehen, mit dem der Encoder in diesem Schritt trainiert wurde.</translation>
    </message>
    <message>
        <source>No run is training: start one in the Train tab first.</source>
        <translation>Kein Lauf trainiert: Starten Sie zuerst einen im Tab Trainieren.</translation>
    </message>
    <message>
        <source>Recipe &quot;%1&quot; holds from the next step on.</source>
        <translation>Rezept „%1“ gilt ab dem nächsten Schritt.</translation>
    </message>
    <message>
        <source>recipe %1</source>
        <translation>Rezept %1</translation>
    </message>
    <message>
        <source>The run name &quot;%1&quot; is not a folder name; use one without / or \ that is not . or ..</source>
        <translation>Der Lauf-Name &quot;%1&quot; ist kein Ordnername; einen ohne / oder \ verwenden, der nicht . oder .. ist</translation>
    </message>
    <message>
        <source>A run is being prepared; stop it before resuming another.</source>
        <translation>Ein Lauf wird vorbereitet; ihn anhalten, bevor ein anderer fortgesetzt wird.</translation>
    </message>
    <message>
        <source>Stopped before the first step; resume %1 from the Runs tab.</source>
        <translation>Vor dem ersten Schritt angehalten; %1 im Tab Läufe fortsetzen.</translation>
    </message>
    <message>
        <source>Stopped while preparing %1.</source>
        <translation>Beim Vorbereiten von %1 angehalten.</translation>
    </message>
    <message>
        <source>Stopping the preparation…</source>
        <translation>Vorbereitung wird angehalten…</translation>
    </message>
    <message>
        <source>of the Train tab</source>
        <translation>des Tabs „Trainieren“</translation>
    </message>
    <message>
        <source>Writing the cluster job to %1…</source>
        <translation>Cluster-Job wird nach %1 geschrieben…</translation>
    </message>
</context>
<context>
    <name>latent::widgets::CurvePlot</name>
    <message>
        <source>Log scale</source>
        <translation>Log-Skala</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Show all data again after zooming (wheel) or panning (drag)</source>
        <translation>Nach Zoomen (Mausrad) oder Verschieben (Ziehen) wieder alle Daten zeigen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Save the plot as PNG, SVG or PDF</source>
        <translation>Das Diagramm als PNG, SVG oder PDF speichern</translation>
    </message>
    <message>
        <source>%1: unknown image type &quot;%2&quot;; expected .png, .svg or .pdf</source>
        <translation>%1: unbekannter Bildtyp „%2“; erwartet: .png, .svg oder .pdf</translation>
    </message>
    <message>
        <source>cannot write %1 (is the folder writable?)</source>
        <translation>%1 kann nicht geschrieben werden (ist der Ordner beschreibbar?)</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;PDF-Dokument (*.pdf)</translation>
    </message>
</context>
<context>
    <name>latent::widgets::EmbeddingPlot</name>
    <message>
        <source>PC 1</source>
        <translation>HK 1</translation>
    </message>
    <message>
        <source>PC 2</source>
        <translation>HK 2</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Latent Studio: explore a generator&apos;s latent space and train encoders on its views.</source>
        <translation>Latent Studio: den latenten Raum eines Generators erkunden und Encoder auf seinen Ansichten trainieren.</translation>
    </message>
    <message>
        <source>A generator (.pt; &apos;default&apos; for the shipped one) or a view recipe (.json) to open.</source>
        <translation>Ein zu öffnender Generator (.pt; &apos;default&apos; für den mitgelieferten) oder ein Ansichtsrezept (.json).</translation>
    </message>
    <message>
        <source>Start on a tab: samples, explore, views, train, runs, or pad (explore with the latent pad open).</source>
        <translation>Auf einem Tab starten: samples, explore, views, train, runs oder pad (Erkunden mit geöffnetem Latent-Pad).</translation>
    </message>
    <message>
        <source>Start training with the Train tab&apos;s settings once the generator has loaded.</source>
        <translation>Training mit den Einstellungen des Trainieren-Tabs starten, sobald der Generator geladen ist.</translation>
    </message>
    <message>
        <source>Data-parallel processes for training (the Train tab&apos;s Processes box).</source>
        <translation>Datenparallele Prozesse für das Training (das Feld Prozesse im Reiter Trainieren).</translation>
    </message>
    <message>
        <source>Compute the generator&apos;s report card (Samples tab) once it has loaded.</source>
        <translation>Den Steckbrief des Generators berechnen (Reiter Stichproben), sobald er geladen ist.</translation>
    </message>
</context>
</TS>
