/** Given and family names of the peoples the demo organisations meet, each in its own script. */
import type { Random } from "./random.js";

/** Peoples by their language code: the demo's contacts and workers each belong to one. */
export type People = "it" | "el" | "sq" | "es" | "pt" | "uk" | "ar" | "fa" | "en";

/** A name as its people write it, or, where a transliterator reads the script poorly, with its usual Latin spelling. */
type Spelling = string | readonly [native: string, latin: string];
/** A family name whose form follows the bearer's gender (Greek, some Ukrainian ones). */
type Gendered = { readonly m: string; readonly f: string };

interface NameList {
  male: readonly Spelling[];
  female: readonly Spelling[];
  family: ReadonlyArray<Spelling | Gendered>;
}

// biome-ignore format: name lists read best packed
const ITALIAN: NameList = {
  male: [
    "Marco", "Luca", "Giuseppe", "Francesco", "Alessandro", "Andrea", "Matteo", "Lorenzo", "Davide",
    "Simone", "Federico", "Riccardo", "Stefano", "Paolo", "Giovanni", "Antonio", "Salvatore", "Roberto",
    "Fabio", "Daniele", "Emanuele", "Gabriele", "Michele", "Nicola", "Pietro", "Tommaso", "Vincenzo",
    "Domenico", "Massimo", "Claudio", "Enrico", "Filippo", "Leonardo", "Mattia", "Giorgio",
  ],
  female: [
    "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Federica", "Elena",
    "Silvia", "Laura", "Anna", "Maria", "Paola", "Roberta", "Elisa", "Ilaria", "Alice", "Giorgia", "Sofia",
    "Aurora", "Beatrice", "Camilla", "Veronica", "Serena", "Monica", "Cristina", "Daniela", "Angela",
    "Rita", "Teresa", "Lucia", "Marta", "Noemi", "Irene",
  ],
  family: [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini",
    "Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis",
    "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini",
    "Grasso", "Valentini", "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna",
    "Farina", "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Barone",
    "Orlando", "Bernardi", "Piras", "Fiore", "Esposito", "Romano", "Russo",
  ],
};

// biome-ignore format: name lists read best packed
const GREEK: NameList = {
  male: [
    "Γιώργος", "Κωνσταντίνος", "Δημήτρης", "Γιάννης", "Νίκος", "Παναγιώτης", "Βασίλης", "Χρήστος",
    "Θανάσης", "Μιχάλης", "Βαγγέλης", "Σπύρος", "Αντώνης", "Ανδρέας", "Στέλιος", "Άγγελος", "Μανώλης",
    "Θοδωρής", "Πέτρος", "Αλέξανδρος", "Λευτέρης", "Κώστας", "Παύλος", "Σωτήρης", "Ηλίας", "Φώτης",
    "Τάσος", "Γρηγόρης", "Μάριος", "Κυριάκος", "Χαράλαμπος", "Λοΐζος",
  ],
  female: [
    "Μαρία", "Ελένη", "Κατερίνα", "Βασιλική", "Σοφία", "Αγγελική", "Γεωργία", "Δήμητρα", "Κωνσταντίνα",
    "Παναγιώτα", "Ιωάννα", "Ευαγγελία", "Χριστίνα", "Αναστασία", "Δέσποινα", "Ειρήνη", "Χαρά", "Νίκη",
    "Φωτεινή", "Αθηνά", "Ζωή", "Μαρίνα", "Στέλλα", "Αλεξάνδρα", "Θεοδώρα", "Πηνελόπη", "Ουρανία", "Άννα",
    "Άντρη", "Έλενα",
  ],
  family: [
    { m: "Παπαδόπουλος", f: "Παπαδοπούλου" },
    { m: "Παπαδάκης", f: "Παπαδάκη" },
    "Γεωργίου",
    "Οικονόμου",
    "Παπανικολάου",
    "Βασιλείου",
    "Νικολάου",
    "Δημητρίου",
    "Ιωάννου",
    "Κωνσταντίνου",
    { m: "Μακρής", f: "Μακρή" },
    "Αλεξίου",
    { m: "Παππάς", f: "Παππά" },
    { m: "Μαυρίδης", f: "Μαυρίδη" },
    "Αντωνίου",
    { m: "Καραγιάννης", f: "Καραγιάννη" },
    { m: "Βλάχος", f: "Βλάχου" },
    "Αθανασίου",
    { m: "Σταματόπουλος", f: "Σταματοπούλου" },
    { m: "Πετρίδης", f: "Πετρίδη" },
    { m: "Κωστόπουλος", f: "Κωστοπούλου" },
    { m: "Μιχαηλίδης", f: "Μιχαηλίδη" },
    "Χριστοδούλου",
    { m: "Παναγιωτόπουλος", f: "Παναγιωτοπούλου" },
    { m: "Λαμπρόπουλος", f: "Λαμπροπούλου" },
    "Ζαχαρίου",
    { m: "Κυριακίδης", f: "Κυριακίδη" },
    { m: "Τσακίρης", f: "Τσακίρη" },
    { m: "Σαββίδης", f: "Σαββίδη" },
    "Αναστασίου",
    "Ευαγγέλου",
    { m: "Καλογεράκης", f: "Καλογεράκη" },
    { m: "Χατζηδάκης", f: "Χατζηδάκη" },
    { m: "Θεοδωρίδης", f: "Θεοδωρίδη" },
    { m: "Αργυρός", f: "Αργυρού" },
    { m: "Σπανός", f: "Σπανού" },
    { m: "Ανδρεάδης", f: "Ανδρεάδη" },
    "Χαραλάμπους",
    "Ανδρέου",
    "Παναγιώτου",
    "Σάββα",
    "Κυριάκου",
    "Χρίστου",
  ],
};

// biome-ignore format: name lists read best packed
const ALBANIAN: NameList = {
  male: [
    "Arben", "Artan", "Besnik", "Dritan", "Ervin", "Gentian", "Ilir", "Klodian", "Mirel", "Olsi", "Sokol",
    "Erion", "Fatmir", "Gazmend", "Kreshnik", "Luan", "Marsel", "Andi", "Endrit", "Genti", "Redi", "Ardit",
    "Dorian", "Blerim", "Agron", "Bujar", "Fatos", "Skënder", "Altin", "Eduart",
  ],
  female: [
    "Anila", "Arta", "Blerina", "Elira", "Entela", "Jonida", "Klea", "Lindita", "Mimoza", "Rudina",
    "Valbona", "Xhoana", "Alketa", "Brikena", "Dorina", "Ermira", "Flutura", "Greta", "Ilda", "Kejsi",
    "Teuta", "Mirela", "Erjona", "Besa", "Drita", "Lule", "Enkeleda", "Ornela",
  ],
  family: [
    "Hoxha", "Shehu", "Krasniqi", "Gashi", "Berisha", "Dervishi", "Leka", "Kola", "Marku", "Gjoka",
    "Prifti", "Çela", "Dushku", "Hysa", "Lleshi", "Muça", "Rama", "Meta", "Basha", "Duka", "Kuka",
    "Bregu", "Hasani", "Xhafa", "Zeneli", "Topalli", "Ahmeti", "Kadiu", "Sula", "Cani", "Tafa", "Koçi",
    "Mema", "Nikolla", "Laçi", "Bajrami", "Dhima", "Shkurti", "Bushati", "Gjergji",
  ],
};

// biome-ignore format: name lists read best packed
const SPANISH: NameList = {
  male: [
    "Javier", "Carlos", "David", "Daniel", "José", "Manuel", "Antonio", "Francisco", "Juan", "Alejandro",
    "Pablo", "Sergio", "Álvaro", "Jorge", "Miguel", "Rafael", "Fernando", "Luis", "Adrián", "Diego",
    "Raúl", "Iván", "Rubén", "Óscar", "Alberto", "Hugo", "Marcos", "Ignacio", "Andrés", "Enrique",
  ],
  female: [
    "María", "Carmen", "Lucía", "Laura", "Marta", "Ana", "Paula", "Sara", "Elena", "Isabel", "Cristina",
    "Raquel", "Alba", "Irene", "Sofía", "Patricia", "Rocío", "Nuria", "Beatriz", "Silvia", "Andrea",
    "Claudia", "Pilar", "Mercedes", "Julia", "Noelia", "Eva", "Inés", "Lorena", "Natalia",
  ],
  family: [
    "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
    "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso",
    "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano",
    "Blanco", "Molina", "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio", "Marín",
    "Sanz", "Núñez", "Iglesias", "Medina", "Garrido", "Cortés", "Castillo", "Santos", "Lozano", "Guerrero",
    "Cano", "Prieto",
  ],
};

// biome-ignore format: name lists read best packed
const PORTUGUESE: NameList = {
  male: [
    "João", "José", "António", "Francisco", "Manuel", "Pedro", "Tiago", "Rui", "Miguel", "Ricardo", "Nuno",
    "Luís", "Paulo", "Carlos", "Diogo", "Gonçalo", "Rodrigo", "Bruno", "André", "Hugo", "Duarte", "Tomás",
    "Afonso", "Martim", "Vasco", "Filipe", "Jorge", "Sérgio", "Fábio", "Vítor",
  ],
  female: [
    "Maria", "Ana", "Joana", "Inês", "Beatriz", "Mariana", "Catarina", "Sofia", "Rita", "Sara",
    "Margarida", "Carolina", "Leonor", "Filipa", "Marta", "Teresa", "Helena", "Cláudia", "Patrícia",
    "Sandra", "Susana", "Raquel", "Andreia", "Daniela", "Vera", "Lúcia", "Diana", "Bárbara", "Matilde",
    "Francisca",
  ],
  family: [
    "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus", "Sousa",
    "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida", "Ribeiro", "Pinto",
    "Carvalho", "Teixeira", "Moreira", "Correia", "Mendes", "Nunes", "Soares", "Vieira", "Monteiro",
    "Cardoso", "Rocha", "Neves", "Coelho", "Cruz", "Cunha", "Pires", "Ramos", "Reis", "Simões", "Antunes",
    "Matos", "Fonseca", "Machado", "Araújo", "Barbosa", "Tavares", "Lourenço", "Figueiredo", "Azevedo",
    "Freitas",
  ],
};

// biome-ignore format: name lists read best packed
const UKRAINIAN: NameList = {
  male: [
    "Олександр", "Андрій", "Сергій", "Дмитро", "Іван", "Микола", "Василь", "Юрій", "Олег", "Віктор",
    "Петро", "Тарас", "Богдан", "Володимир", "Максим", "Артем", "Роман", "Ігор", "Михайло", "Євген",
    "Остап", "Назар", "Денис", "Віталій", "Степан",
  ],
  female: [
    "Олена", "Наталія", "Тетяна", "Ірина", "Оксана", "Юлія", "Світлана", "Марія", "Катерина", "Анна",
    "Галина", "Людмила", "Ольга", "Вікторія", "Софія", "Анастасія", "Христина", "Дарина", "Надія",
    "Любов", "Валентина", "Леся", "Зоряна", "Мар'яна", "Ганна",
  ],
  family: [
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Шевчук",
    "Коваль",
    "Поліщук",
    "Бондар",
    "Ткачук",
    "Мельник",
    "Марченко",
    "Савченко",
    "Руденко",
    "Мороз",
    "Кравчук",
    "Павленко",
    "Лисенко",
    "Петренко",
    "Клименко",
    "Левченко",
    "Гончаренко",
    "Романюк",
    "Сидоренко",
    "Бойко",
    "Іваненко",
    "Ковальчук",
    "Харченко",
    "Литвиненко",
    "Гнатюк",
    "Паламарчук",
    { m: "Ковальський", f: "Ковальська" },
    { m: "Вишневський", f: "Вишневська" },
    { m: "Савицький", f: "Савицька" },
    { m: "Головатий", f: "Головата" },
  ],
};

// biome-ignore format: name lists read best packed
const ARABIC: NameList = {
  male: [
    ["محمد", "Mohammed"], ["أحمد", "Ahmad"], ["علي", "Ali"], ["حسن", "Hassan"], ["حسين", "Hussein"],
    ["عمر", "Omar"], ["خالد", "Khaled"], ["يوسف", "Youssef"], ["إبراهيم", "Ibrahim"], ["مصطفى", "Mustafa"],
    ["محمود", "Mahmoud"], ["عبدالله", "Abdullah"], ["سامر", "Samer"], ["رامي", "Rami"], ["طارق", "Tarek"],
    ["باسل", "Basel"], ["وليد", "Walid"], ["ماهر", "Maher"], ["زياد", "Ziad"], ["فادي", "Fadi"],
    ["نبيل", "Nabil"], ["جمال", "Jamal"], ["كريم", "Karim"], ["عماد", "Imad"], ["سليم", "Salim"],
  ],
  female: [
    ["فاطمة", "Fatima"], ["مريم", "Maryam"], ["زينب", "Zainab"], ["عائشة", "Aisha"], ["نور", "Nour"],
    ["سارة", "Sara"], ["ليلى", "Layla"], ["هدى", "Huda"], ["رنا", "Rana"], ["ريم", "Reem"], ["سلمى", "Salma"],
    ["دعاء", "Doaa"], ["أمل", "Amal"], ["هبة", "Hiba"], ["يارا", "Yara"], ["رغد", "Raghad"], ["لينا", "Lina"],
    ["آمنة", "Amina"], ["سعاد", "Souad"], ["نادية", "Nadia"], ["رشا", "Rasha"], ["إيمان", "Iman"],
    ["حنان", "Hanan"], ["منى", "Mona"], ["سماح", "Samah"],
  ],
  family: [
    ["الأحمد", "Al-Ahmad"], ["الحسن", "Al-Hassan"], ["العلي", "Al-Ali"], ["الخطيب", "Al-Khatib"],
    ["الحلبي", "Al-Halabi"], ["المصري", "Al-Masri"], ["الشامي", "Al-Shami"], ["حداد", "Haddad"],
    ["عثمان", "Othman"], ["يوسف", "Youssef"], ["إبراهيم", "Ibrahim"], ["سليمان", "Suleiman"],
    ["حمدان", "Hamdan"], ["النجار", "Al-Najjar"], ["الزين", "Al-Zein"], ["قاسم", "Kassem"],
    ["درويش", "Darwish"], ["صالح", "Saleh"], ["عبود", "Abboud"], ["جابر", "Jaber"], ["منصور", "Mansour"],
    ["خليل", "Khalil"], ["العبدالله", "Al-Abdullah"], ["الحمصي", "Al-Homsi"], ["الكردي", "Al-Kurdi"],
  ],
};

// biome-ignore format: name lists read best packed
const PERSIAN: NameList = {
  male: [
    ["علی", "Ali"], ["محمد", "Mohammad"], ["رضا", "Reza"], ["حسین", "Hossein"], ["مهدی", "Mehdi"],
    ["امیر", "Amir"], ["حمید", "Hamid"], ["سعید", "Saeed"], ["مجید", "Majid"], ["فرهاد", "Farhad"],
    ["بهروز", "Behrouz"], ["داریوش", "Dariush"], ["کامران", "Kamran"], ["مسعود", "Masoud"], ["جواد", "Javad"],
    ["احمد", "Ahmad"], ["نوید", "Navid"], ["پویا", "Pouya"], ["سینا", "Sina"], ["آرش", "Arash"],
  ],
  female: [
    ["فاطمه", "Fatemeh"], ["زهرا", "Zahra"], ["مریم", "Maryam"], ["سارا", "Sara"], ["نرگس", "Narges"],
    ["لیلا", "Leila"], ["شیرین", "Shirin"], ["مهسا", "Mahsa"], ["نازنین", "Nazanin"], ["پریسا", "Parisa"],
    ["الهام", "Elham"], ["سمیرا", "Samira"], ["فرشته", "Fereshteh"], ["نیلوفر", "Niloufar"],
    ["آزاده", "Azadeh"], ["مینا", "Mina"], ["ندا", "Neda"], ["گلناز", "Golnaz"], ["سپیده", "Sepideh"],
    ["رویا", "Roya"],
  ],
  family: [
    ["محمدی", "Mohammadi"], ["احمدی", "Ahmadi"], ["رضایی", "Rezaei"], ["حسینی", "Hosseini"],
    ["کریمی", "Karimi"], ["موسوی", "Mousavi"], ["جعفری", "Jafari"], ["رحیمی", "Rahimi"], ["هاشمی", "Hashemi"],
    ["صادقی", "Sadeghi"], ["نوری", "Nouri"], ["کاظمی", "Kazemi"], ["قاسمی", "Ghasemi"], ["عباسی", "Abbasi"],
    ["اکبری", "Akbari"], ["حیدری", "Heidari"], ["یوسفی", "Yousefi"], ["رستمی", "Rostami"],
    ["سلطانی", "Soltani"], ["امینی", "Amini"],
  ],
};

// biome-ignore format: name lists read best packed
const ENGLISH: NameList = {
  male: [
    "James", "John", "David", "Michael", "Paul", "Richard", "Mark", "Peter", "Andrew", "Stephen", "Daniel",
    "Thomas", "Matthew", "Christopher", "Simon", "Oliver", "Harry", "George", "William", "Jack",
  ],
  female: [
    "Sarah", "Emma", "Emily", "Charlotte", "Sophie", "Lucy", "Hannah", "Rachel", "Laura", "Claire", "Helen",
    "Rebecca", "Kate", "Jessica", "Amy", "Victoria", "Olivia", "Jane", "Alice", "Grace",
  ],
  family: [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Harris", "Lewis", "Baker", "Turner", "Hughes", "Edwards", "Cooper", "Hill", "Ward", "Morgan",
  ],
};

const NAMES: Record<People, NameList> = {
  it: ITALIAN,
  el: GREEK,
  sq: ALBANIAN,
  es: SPANISH,
  pt: PORTUGUESE,
  uk: UKRAINIAN,
  ar: ARABIC,
  fa: PERSIAN,
  en: ENGLISH,
};

export interface PersonName {
  given: string;
  family: string;
  /** The usual Latin spelling where the people's own script is not Latin, else the names as they are. */
  givenLatin: string | null;
  familyLatin: string | null;
}

function spell(name: Spelling): { native: string; latin: string | null } {
  return typeof name === "string" ? { native: name, latin: null } : { native: name[0], latin: name[1] };
}

function familyName(random: Random, list: NameList, gender: "m" | "f") {
  const family = random.pick(list.family);
  if (typeof family === "object" && "m" in family) return { native: family[gender], latin: null };
  return spell(family);
}

export function personName(random: Random, people: People, gender: "m" | "f"): PersonName {
  const list = NAMES[people];
  let given = spell(random.pick(gender === "m" ? list.male : list.female));
  let family = familyName(random, list, gender);
  // Spaniards carry both parents' family names; many Portuguese do, and some have two given names.
  if (people === "es" || (people === "pt" && random.chance(0.5))) {
    const second = familyName(random, list, gender);
    if (second.native !== family.native)
      family = { native: `${family.native} ${second.native}`, latin: null };
  }
  if (people === "pt" && random.chance(0.2)) {
    const second = spell(random.pick(gender === "m" ? list.male : list.female));
    if (second.native !== given.native) given = { native: `${given.native} ${second.native}`, latin: null };
  }
  return { given: given.native, family: family.native, givenLatin: given.latin, familyLatin: family.latin };
}

/** Peoples whose names are written in a script other than Latin. */
export const NON_LATIN: ReadonlySet<People> = new Set(["el", "uk", "ar", "fa"]);
